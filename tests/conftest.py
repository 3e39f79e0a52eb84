import os, warnings
from pathlib import Path
import pytest
import torch

torch.set_num_threads(min(2, os.cpu_count() or 1))
warnings.filterwarnings('ignore', message='Sparse CSR tensor support is in beta')
ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get('KDIFFE_SHARED_DATA', ROOT.parent / 'shared' / 'datasets'))

@pytest.fixture
def shared_data():
    if not (SHARED / 'tiktok' / 'trnMat.pkl').exists():
        pytest.skip(f"real datasets not found at {SHARED}")
    return SHARED

@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path, monkeypatch):
    monkeypatch.setenv('KDIFFE_CACHE', str(tmp_path / 'cache'))
