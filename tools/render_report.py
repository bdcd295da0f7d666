"""Print the sample report the way a director would, and keep its pages as images in docs/rapport/.

Writes the bundled sample's report, converts it to PDF with LibreOffice (French locale, so that numbers
read as on a French machine) and each page to a PNG with poppler's pdftoppm. Needs the Debian packages
libreoffice-calc and poppler-utils, and Pillow (installed with the test extras).

Usage: python tools/render_report.py [--dpi 60]
"""

import argparse
import os
import subprocess
import tempfile
import warnings
from pathlib import Path

from PIL import Image  # Pillow comes with matplotlib, a test dependency

import transferability as tr

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dpi", type=int, default=60)
    args = parser.parse_args()
    out = ROOT / "docs" / "rapport"
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("page-*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            report = tr.diagnose(tr.load_sample_contracts_path()).to_excel(Path(tmp) / "rapport_exemple.xlsx")
        env = {**os.environ, "LANG": "fr_FR.UTF-8", "LC_ALL": "fr_FR.UTF-8"}
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", tmp, str(report)],
                       check=True, capture_output=True, env=env, timeout=300)  # fmt: skip
        pdf = Path(tmp) / "rapport_exemple.pdf"
        subprocess.run(["pdftoppm", "-r", str(args.dpi), "-png", str(pdf), str(out / "page")], check=True)
    pages = sorted(out.glob("page-*.png"))
    for page in pages:  # 64 colours are plenty for text and flat charts: a third of the size
        Image.open(page).convert("RGB").quantize(64).save(page, optimize=True)
    print(f"{len(pages)} pages dans {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
