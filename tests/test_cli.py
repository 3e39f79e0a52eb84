"The kdiffe command end to end, as a user runs it."
import json, os, signal, subprocess, sys, time
from pathlib import Path
import pytest

CMD = [sys.executable, '-c', 'from kdiffe.cli import main; main()']

def run(*args, check=True, timeout=600):
    p = subprocess.run([*CMD, *args], capture_output=True, text=True, timeout=timeout)
    if check and p.returncode: raise AssertionError(p.stdout + p.stderr)
    return p

def user_error(p, *words):
    "Exit status 2, one line on stderr naming what went wrong (warnings aside, a line each), no traceback."
    lines = [l for l in p.stderr.strip().splitlines() if not l.startswith('kdiffe: warning:')]
    assert p.returncode == 2, (p.returncode, p.stdout, p.stderr)
    assert 'Traceback' not in p.stderr and len(lines) == 1 and lines[0].startswith('kdiffe: error:'), p.stderr
    for w in words: assert w in lines[0], (w, lines[0])

def test_train_synthetic_end_to_end(tmp_path):
    p = run('train', '--model', 'lightgcn', '--dataset', 'synthetic', '--epochs', '3', '--out', str(tmp_path),
            '--threads', '2', '--no-progress', '--set', 'dim=16')
    assert 'H (test at best validation epoch' in p.stdout and 'P (best test epoch' in p.stdout
    recs = list((tmp_path / 'synthetic' / 'lightgcn').glob('*.json'))
    assert len(recs) == 1 and json.loads(recs[0].read_text())['status'] == 'complete'

def test_stop_and_resume(tmp_path):
    a = ['train', '--model', 'mf', '--dataset', 'synthetic', '--epochs', '3', '--out', str(tmp_path), '--no-progress']
    run(*a, '--stop-after', '1')
    user_error(run(*a, check=False), '--resume', '--restart')
    run(*a, '--resume')
    rec = json.loads(next((tmp_path / 'synthetic' / 'mf').glob('*.json')).read_text())
    assert rec['status'] == 'complete' and len(rec['epochs']) == 3

def test_truncated_checkpoint_names_file_and_restart(tmp_path):
    a = ['train', '--model', 'mf', '--dataset', 'synthetic', '--epochs', '3', '--out', str(tmp_path), '--no-progress']
    run(*a, '--stop-after', '1')
    ckpt = next((tmp_path / 'synthetic' / 'mf').glob('*.ckpt.pt'))
    ckpt.write_bytes(ckpt.read_bytes()[:100])
    user_error(run(*a, '--resume', check=False), str(ckpt), '--restart')
    run(*a, '--restart')

def _start_long_run(tmp_path, *extra):
    "A training process that runs for a while, once it holds its run's lock."
    args = [*CMD, 'train', '--model', 'lightgcn', '--dataset', 'synthetic', '--epochs', '400', '--out', str(tmp_path),
            '--no-progress', '--threads', '1', '--set', 'patience=0', *extra]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    d = tmp_path / 'synthetic' / 'lightgcn'
    for _ in range(600):
        if list(d.glob('*.ckpt.pt')): return proc, d            # a first epoch is done: the lock is held
        if proc.poll() is not None: raise AssertionError(proc.communicate())
        time.sleep(0.1)
    proc.kill(); raise AssertionError('the run never wrote a checkpoint')

def test_one_process_per_run(tmp_path):
    first, d = _start_long_run(tmp_path)
    try:
        rid = next(d.glob('*.lock')).name.split('.')[0]
        same = ['train', '--model', 'lightgcn', '--dataset', 'synthetic', '--epochs', '400', '--out', str(tmp_path),
                '--no-progress', '--set', 'patience=0']
        user_error(run(*same, check=False), f'run {rid} is being trained by pid {first.pid}')          # started together
        user_error(run(*same, '--resume', check=False), f'run {rid} is being trained by pid {first.pid}')   # resume on a live run
        assert first.poll() is None                                       # the first process trains on, unharmed
    finally:
        first.send_signal(signal.SIGKILL); first.wait()
    # kill -9 leaves a stale lock file behind; the next process takes the run over and finishes it
    p = run('train', '--model', 'lightgcn', '--dataset', 'synthetic', '--epochs', '400', '--out', str(tmp_path),
            '--no-progress', '--set', 'patience=0', '--resume', '--stop-after', '1')
    rec = json.loads(next(d.glob('*.json')).read_text())
    assert rec['resumed_at'] and not list(d.glob('*.lock')), rec.get('resumed_at')        # released on exit

def test_executor_reports_a_locked_run(tmp_path):
    from kdiffe.tuning import run_plan
    from kdiffe.baselines import LightGCNConfig
    first, d = _start_long_run(tmp_path)
    try:
        cfg = LightGCNConfig(epochs=400, patience=0)
        out = run_plan([('lightgcn', 'synthetic', cfg)], None, tmp_path)
        assert out[0]['status'] == 'locked' and f'pid {first.pid}' in out[0]['message'], out
    finally:
        first.send_signal(signal.SIGKILL); first.wait()

def test_strict_booleans_and_fields(tmp_path):
    user_error(run('train', '--model', 'kdiffe', '--set', 'optimized=Ture', '--out', str(tmp_path), check=False), "'optimized'", "'Ture'")
    user_error(run('train', '--model', 'lightgcn', '--set', 'dimm=3', '--out', str(tmp_path), check=False), 'dimm')
    user_error(run('train', '--model', 'lightgcn', '--set', 'dim', '--out', str(tmp_path), check=False), 'FIELD=VALUE')

def test_mistakes_are_one_line(tmp_path):
    empty = tmp_path / 'empty'; empty.mkdir()
    user_error(run('data', 'info', str(tmp_path / 'nope'), check=False), str(tmp_path / 'nope'))
    user_error(run('data', 'info', 'data', check=False), 'data')
    user_error(run('data', 'info', str(empty), check=False), 'no dataset folder')
    assert '600' in run('data', 'info', 'synthetic').stdout
    user_error(run('train', '--device', 'foo', check=False), "'foo'")
    user_error(run('train', '--threads', '-1', check=False), 'threads')
    user_error(run('reproduce', '--notebooks', 'nosuch', check=False), 'nosuch')
    import torch
    if not torch.cuda.is_available(): user_error(run('train', '--device', 'cuda', check=False), 'CUDA is not available')

def test_fail_fast_before_loading_data(tmp_path):
    # the data folder does not exist: a bad model, preset or field must be reported, not the data
    t0 = time.time()
    for bad, word in ((['--model', 'nosuchmodel'], 'nosuchmodel'), (['--preset', 'nosuchpreset'], 'nosuchpreset'),
                      (['--set', 'nosuchfield=1'], 'nosuchfield')):
        user_error(run('train', '--dataset', 'tiktok', '--data-dir', str(tmp_path / 'none'), *bad, check=False), word)
    user_error(run('tune', '--model', 'nosuchmodel', '--dataset', 'tiktok', check=False), 'nosuchmodel', 'tuning grid')
    user_error(run('train', '--model', 'lightgcn', '--dataset', 'tiktok', '--data-dir', str(tmp_path), check=False), 'tiktok')

def test_every_option_has_help():
    import argparse
    from kdiffe.cli import parser
    def walk(p, path):
        for act in p._actions:
            if isinstance(act, argparse._SubParsersAction):
                for name, sp in act.choices.items(): yield from walk(sp, path + [name])
            elif not isinstance(act, argparse._HelpAction):
                yield path, act
    missing = [(' '.join(pth), a.dest) for pth, a in walk(parser(), ['kdiffe']) if not (a.help or '').strip()]
    assert not missing, missing
    for sub in ('train', 'bench', 'reproduce', 'tune', 'data', 'data info', 'data fetch', 'data verify'):
        p = run(*sub.split(), '--help')
        assert 'usage: kdiffe' in p.stdout
    assert 'lightgcn' in run('train', '--help').stdout and 'diffkg' in run('train', '--help').stdout   # the registry's list

def test_data_info_and_verify(shared_data, tmp_path):
    p = run('data', 'info', str(shared_data))
    assert '9308' in p.stdout and '19445' in p.stdout
    p = run('data', 'verify', 'tiktok', '--root', str(shared_data), check=False)
    assert p.returncode == 1 and 'text_feat.npy' in p.stderr and 'MISMATCH' not in p.stdout   # text features are not here
    ok = [l for l in p.stdout.splitlines() if l.startswith('trnMat.pkl')][0]
    assert ' ok ' in ok and 'required' in ok
    assert 'optional' in [l for l in p.stdout.splitlines() if l.startswith('kg.txt')][0]

def test_verify_exit_status(tmp_path):
    user_error(run('data', 'verify', 'tiktok', '--root', str(tmp_path / 'nope'), check=False), 'does not exist')
    (tmp_path / 'tiktok').mkdir()
    (tmp_path / 'tiktok' / 'kg.txt').write_text('1 1 1\n')
    p = run('data', 'verify', 'tiktok', '--root', str(tmp_path), check=False)
    assert p.returncode == 1 and 'trnMat.pkl (missing)' in p.stderr and 'kg.txt (MISMATCH)' in p.stderr

def _shop(d: Path):
    "A small interaction CSV and a feature matrix, as a researcher would bring them."
    import numpy as np, pandas as pd
    r = np.random.default_rng(0)
    df = pd.DataFrame({'user': r.integers(0, 40, 300), 'item': r.integers(0, 25, 300), 'ts': r.permutation(300)})
    df.to_csv(d / 'shop.csv', index=False)
    np.save(d / 'img.npy', r.random((25, 6)).astype('float32'))
    return d / 'shop.csv', d / 'img.npy'

def test_import_then_every_command(tmp_path):
    csv, npy = _shop(tmp_path)
    root = tmp_path / 'data'
    p = run('data', 'import', 'shop', '--root', str(root), '--interactions', str(csv), '--features', f'visual={npy}',
            '--split', 'temporal', '--min-interactions', '2')
    assert 'shop' in p.stdout and 'kdiffe train --dataset shop' in p.stdout
    assert 'shop' in run('data', 'info', str(root)).stdout
    out = tmp_path / 'results'
    run('train', '--model', 'lightgcn', '--dataset', 'shop', '--data-dir', str(root), '--epochs', '1', '--out', str(out), '--no-progress')
    run('train', '--model', 'kdiffe', '--dataset', 'shop', '--data-dir', str(root), '--epochs', '1', '--out', str(out), '--no-progress',
        '--set', 'denoiser_hidden=32', '--set', 'dim=16', '--set', 'walk_length=10', '--set', 'walks=2')
    rec = json.loads(next((out / 'shop' / 'kdiffe').glob('*.json')).read_text())
    assert rec['data_checksums'].keys() == {'dataset.npz', 'user_map.csv', 'item_map.csv'} and rec['model_info']['attention_source'].startswith('built')
    run('tune', '--model', 'mf', '--dataset', 'shop', '--data-dir', str(root), '--out', str(out), '--stage', 'grid', '--points', '0',
        '--set', 'epochs=1')
    run('reproduce', '--preset', 'paper', '--data-dir', str(root), '--datasets', 'shop', '--results-dir', str(out),
        '--out-dir', str(tmp_path / 'figs'), '--notebooks', 'datasets', 'curves', '--run-missing', '--no-progress')
    assert 'shop' in (tmp_path / 'figs' / 'datasets.md').read_text()

def test_import_mistakes(tmp_path):
    import numpy as np, pandas as pd
    csv, npy = _shop(tmp_path)
    root = tmp_path / 'data'
    imp = lambda *a: run('data', 'import', 'x', '--root', str(root), *a, check=False)
    pd.DataFrame({'who': [1], 'item': [2]}).to_csv(tmp_path / 'nocol.csv', index=False)
    user_error(imp('--interactions', str(tmp_path / 'nocol.csv')), 'nocol.csv', 'no user column', '--user-col')
    np.save(tmp_path / 'nan.npy', np.full((25, 3), np.nan, 'float32'))
    user_error(imp('--interactions', str(csv), '--features', f'visual={tmp_path / "nan.npy"}'), 'nan.npy', 'NaN')
    pd.DataFrame({'item': [0, 99], 'f': [1.0, 2.0]}).to_csv(tmp_path / 'f.csv', index=False)
    user_error(imp('--interactions', str(csv), '--features', f'visual={tmp_path / "f.csv"}'), 'f.csv', "'99'", 'not in the interactions')
    np.save(tmp_path / 'wide.npy', np.ones((3, 2), 'float32'))
    user_error(imp('--interactions', str(csv), '--features', f'visual={tmp_path / "wide.npy"}'), 'wide.npy', '3 rows for 25 items')
    user_error(imp('--interactions', str(csv), '--min-interactions', '100'), 'shop.csv', 'split is empty after filtering')
    user_error(imp('--interactions', str(csv), '--features', 'smell=x.npy'), "'smell=x.npy'")
    run('data', 'import', 'x', '--root', str(root), '--interactions', str(csv))
    p = imp('--interactions', str(csv))
    user_error(p, 'not empty', 'nothing is overwritten')
    p = run('data', 'import', 'd', '--root', str(root), '--interactions', str(csv), check=False)   # duplicates: reported, dropped
    assert p.returncode == 0 and 'duplicate (user, item) interactions dropped' in p.stderr

def test_checksum_error_names_the_cli_flag(shared_data, tmp_path):
    d = tmp_path / 'tiktok'; d.mkdir()
    for f in (shared_data / 'tiktok').iterdir(): (d / f.name).symlink_to(f)
    (d / 'tstMat.pkl').unlink(); (d / 'tstMat.pkl').write_bytes((shared_data / 'tiktok' / 'tstMat.pkl').read_bytes() + b'\0')
    user_error(run('data', 'info', str(tmp_path), check=False), 'tstMat.pkl', 'checksum mismatch', '--trust-pickle')
