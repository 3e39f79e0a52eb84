"Trainer: resume equivalence, records, protocol labels, refusal to overwrite an interrupted run."
import json
import pytest
from kdiffe.data import synthetic
from kdiffe.train import fit
from kdiffe.config import get_model

def _cfg(**kw):
    return get_model('lightgcn').config_class(epochs=4, dim=16, gnn_layers=2, batch_size=512, patience=0, **kw)

def test_resume_equals_uninterrupted(tmp_path):
    ds = synthetic(n_users=150, n_items=90)
    full = fit('lightgcn', ds, _cfg(), device='cpu', out=tmp_path / 'a', progress=False)
    part = fit('lightgcn', ds, _cfg(), device='cpu', out=tmp_path / 'b', progress=False, stop_after=2)
    assert part['status'] == 'running' and len(part['epochs']) == 2
    with pytest.raises(FileExistsError, match='--resume'):
        fit('lightgcn', ds, _cfg(), device='cpu', out=tmp_path / 'b', progress=False)
    done = fit('lightgcn', ds, _cfg(), device='cpu', out=tmp_path / 'b', progress=False, resume=True)
    assert done['status'] == 'complete' and done['resumed_at'] == [2]
    for a, b in zip(full['epochs'], done['epochs']):
        assert a['val'] == b['val'] and a['test'] == b['test'] and a['loss'] == b['loss']
    assert full['summary'] == done['summary']

def test_resume_restores_a_models_own_optimiser(tmp_path):
    "MGCL takes a second Adam step per batch (`after_step`); resuming must restore that optimiser's state too."
    from kdiffe.multimodal import MGCLConfig
    ds, cfg = synthetic(n_users=120, n_items=80, modalities={'visual': 6, 'acoustic': 4}), MGCLConfig.preset('smoke', epochs=3)
    full = fit('mgcl', ds, cfg, device='cpu', out=tmp_path / 'a', progress=False)
    fit('mgcl', ds, cfg, device='cpu', out=tmp_path / 'b', progress=False, stop_after=1)
    done = fit('mgcl', ds, cfg, device='cpu', out=tmp_path / 'b', progress=False, resume=True)
    assert [e['loss'] for e in full['epochs']] == [e['loss'] for e in done['epochs']] and 'contrast' in done['epochs'][0]['loss']
    assert [e['val'] for e in full['epochs']] == [e['val'] for e in done['epochs']]

def test_record_contents_and_no_retraining(tmp_path):
    ds = synthetic(n_users=100, n_items=60)
    rec = fit('lightgcn', ds, _cfg(seed=3), device='cpu', out=tmp_path, progress=False)
    path = tmp_path / ds.name / 'lightgcn' / f"{rec['run_id']}.json"
    on_disk = json.loads(path.read_text())
    for key in ('model', 'dataset', 'config', 'seed', 'git_commit', 'data_checksums', 'versions', 'hardware', 'epochs', 'summary'):
        assert key in on_disk, key
    assert on_disk['seed'] == 3 and on_disk['config']['seed'] == 3
    e = on_disk['epochs'][0]
    assert {'val', 'test', 'seconds', 'loss'} <= set(e) and 'recall@20' in e['val'] and 'ndcg@20' in e['test']
    s = on_disk['summary']
    assert set(s['H']) >= {'epoch', 'val', 'test'} and set(s['P']) >= {'epoch', 'test'}
    assert not list(path.parent.glob('*.ckpt.pt'))                       # checkpoint removed once complete
    again = fit('lightgcn', ds, _cfg(seed=3), device='cpu', out=tmp_path, progress=False)
    assert again['started'] == rec['started']                             # read back, not retrained

def test_early_stopping_stops(tmp_path):
    ds = synthetic(n_users=100, n_items=60)
    cfg = get_model('lightgcn').config_class(epochs=200, dim=8, gnn_layers=1, batch_size=512, patience=2, lr=0.05)
    rec = fit('lightgcn', ds, cfg, device='cpu', out=tmp_path, progress=False)
    assert rec['stop_reason'] == 'early stopping' and len(rec['epochs']) < 200
    assert rec['summary']['H']['epoch'] == len(rec['epochs']) - 3

def test_resume_keeps_provenance(tmp_path, monkeypatch):
    "A resumed run keeps the commit it started at; every resume is listed with its own commit and machine."
    ds = synthetic(n_users=150, n_items=90)
    kw = dict(device='cpu', out=tmp_path, progress=False)
    monkeypatch.setenv('KDIFFE_GIT_COMMIT', 'a' * 40)
    first = fit('lightgcn', ds, _cfg(), stop_after=1, **kw)
    monkeypatch.setenv('KDIFFE_GIT_COMMIT', 'b' * 40)
    fit('lightgcn', ds, _cfg(), stop_after=1, resume=True, **kw)
    monkeypatch.setenv('KDIFFE_GIT_COMMIT', 'c' * 40)
    done = fit('lightgcn', ds, _cfg(), resume=True, **kw)
    assert done['status'] == 'complete' and done['git_commit'] == 'a' * 40 and done['started'] == first['started']
    assert [r['git_commit'] for r in done['resumes']] == ['b' * 40, 'c' * 40]
    assert done['resumed_at'] == [1, 2] and all('device' in r['hardware'] for r in done['resumes'])

def test_unreadable_record_is_named(tmp_path):
    ds = synthetic(n_users=100, n_items=60)
    rec = fit('lightgcn', ds, _cfg(seed=1), device='cpu', out=tmp_path, progress=False)
    path = tmp_path / ds.name / 'lightgcn' / f"{rec['run_id']}.json"
    path.write_text('{"status": "compl')
    with pytest.raises(ValueError, match=str(path.name)):
        fit('lightgcn', ds, _cfg(seed=1), device='cpu', out=tmp_path, progress=False)
