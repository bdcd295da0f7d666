"""The README's Python example runs as written."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_python_example_runs(tmp_path, monkeypatch, capsys):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    assert blocks and len(blocks[0].splitlines()) <= 20
    monkeypatch.chdir(tmp_path)
    exec(compile(blocks[0], "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert "marchés lus" in out and "MAPA :" in out and "du montant transférable" in out
    assert (tmp_path / "rapport.xlsx").is_file()


def test_quick_start_is_the_two_make_commands():
    text = README.read_text(encoding="utf-8")
    quick = re.search(r"## Démarrage rapide\n\n```bash\n(.*?)```", text, flags=re.S).group(1)
    assert [line.split("#")[0].strip() for line in quick.strip().splitlines()] == ["make demo", "make test"]
