"The kdiffe command end to end, as a user runs it."
import json, subprocess, sys
import pytest

def run(*args, check=True):
    p = subprocess.run([sys.executable, '-c', 'from kdiffe.cli import main; main()', *args], capture_output=True, text=True, timeout=600)
    if check and p.returncode: raise AssertionError(p.stdout + p.stderr)
    return p

def test_train_synthetic_end_to_end(tmp_path):
    p = run('train', '--model', 'lightgcn', '--dataset', 'synthetic', '--epochs', '3', '--out', str(tmp_path),
            '--threads', '2', '--no-progress', '--set', 'dim=16')
    assert 'H (test at best validation epoch' in p.stdout and 'P (best test epoch' in p.stdout
    recs = list((tmp_path / 'synthetic' / 'lightgcn').glob('*.json'))
    assert len(recs) == 1 and json.loads(recs[0].read_text())['status'] == 'complete'

def test_stop_and_resume(tmp_path):
    a = ['train', '--model', 'mf', '--dataset', 'synthetic', '--epochs', '3', '--out', str(tmp_path), '--no-progress']
    run(*a, '--stop-after', '1')
    p = run(*a, check=False)
    assert p.returncode == 2 and '--resume' in p.stderr
    run(*a, '--resume')
    rec = json.loads(next((tmp_path / 'synthetic' / 'mf').glob('*.json')).read_text())
    assert rec['status'] == 'complete' and len(rec['epochs']) == 3

def test_bad_arguments_are_named(tmp_path):
    p = run('train', '--model', 'nosuchmodel', '--out', str(tmp_path), check=False)
    assert p.returncode == 2 and 'nosuchmodel' in p.stderr
    p = run('train', '--model', 'lightgcn', '--dataset', 'tiktok', '--data-dir', str(tmp_path), check=False)
    assert p.returncode == 2 and 'tiktok' in p.stderr

def test_data_info_and_verify(shared_data):
    p = run('data', 'info', str(shared_data))
    assert '9308' in p.stdout and '19445' in p.stdout
    p = run('data', 'verify', 'tiktok', '--root', str(shared_data))
    assert 'trnMat.pkl' in p.stdout and 'ok' in p.stdout and 'MISMATCH' not in p.stdout
