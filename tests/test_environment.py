"environment.yml (conda) and settings.ini (pip metadata) must list the same dependencies."
import configparser, re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

def _norm(req: str) -> str:
    return re.sub(r'\s+', '', req).lower()

def _settings_requirements():
    cfg = configparser.ConfigParser(delimiters=['=']); cfg.read(ROOT / 'settings.ini')
    d = cfg['DEFAULT']
    return {_norm(r) for r in d['requirements'].split() + d['dev_requirements'].split()}

def _environment_requirements():
    lines = (ROOT / 'environment.yml').read_text().splitlines()
    pip, inside = [], False
    for line in lines:
        if re.match(r'^\s*- pip:\s*$', line): inside = True; continue
        if inside:
            m = re.match(r'^\s+- (.+)$', line)
            if not m: break
            pip.append(m.group(1).strip())
    return {_norm(r) for r in pip if not r.startswith('-e')}

def test_same_dependencies():
    s, e = _settings_requirements(), _environment_requirements()
    assert s == e, f"only in settings.ini: {sorted(s - e)}; only in environment.yml: {sorted(e - s)}"

def test_torch_pinned_exactly():
    assert 'torch==2.13.0' in _settings_requirements()
