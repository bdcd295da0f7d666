"""The wheel carries data/ and models/ inside the package and works outside the checkout."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)], check=True
    )
    return next(out.glob("transferability-*.whl"))


def test_wheel_contains_the_bundled_data(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "transferability/data/geo/communes.csv" in names
    assert "transferability/data/cpv_regles.csv" in names
    assert "transferability/data/exemples/marches_aura_2018_2024.csv" in names


def test_installed_wheel_imports_and_finds_its_data_outside_the_checkout(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(target), str(wheel)],
        check=True,
    )
    code = (
        "import transferability as tr, pathlib;"
        "t = tr.read_contracts(tr.load_sample_contracts_path());"
        "print(pathlib.Path(tr.__file__).parent); print(tr.load_sample_contracts_path()); print(len(t))"
    )
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    package, sample, n = run.stdout.split()
    assert Path(package).is_relative_to(target)
    assert Path(sample).is_relative_to(target)
    assert int(n) == 710
