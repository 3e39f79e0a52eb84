"Every experiment notebook runs through papermill with preset=smoke and writes its tables and figures."
import subprocess, sys, json
from pathlib import Path
import nbformat

ROOT = Path(__file__).resolve().parents[1]

def test_reproduce_smoke(tmp_path):
    out, res = tmp_path / 'figures', tmp_path / 'results'
    p = subprocess.run([sys.executable, '-c', 'from kdiffe.cli import main; main()', 'reproduce', '--preset', 'smoke',
                        '--out-dir', str(out), '--results-dir', str(res), '--threads', '1', '--no-progress'],
                       capture_output=True, text=True, timeout=900, cwd=ROOT)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    for name in ('datasets', 'main_table', 'main_table_all', 'baselines', 'hccf_probes', 'hccf_loss', 'efficiency', 'ablation', 'sensitivity', 'trajectory_recall', 'trajectory_bpr', 'claims'):
        assert (out / f'{name}.md').exists() and (out / f'{name}.csv').exists(), name
    for name in ('curves', 'efficiency', 'attention', 'ablation', 'sensitivity', 'baselines_tuning', 'hccf_epochs', 'trajectory'):
        assert (out / f'{name}.png').exists() and (out / f'{name}.pdf').exists(), name
    assert (out / 'optimized_vs_direct.md').exists()                 # both KDiffE paths, same seeds
    table = (out / 'main_table.md').read_text()
    for row in ('mf', 'lightgcn', 'kdiffe', 'published (best-on-test)', 'KDiffE'):
        assert row in table, row
    assert '±' in table                                            # two seeds per model
    for nb in (out / 'notebooks').glob('*.ipynb'):                   # executed notebooks are kept with outputs
        assert any(c.get('outputs') for c in nbformat.read(nb, 4).cells if c.cell_type == 'code'), nb
    # a run in progress is listed by default and left out with --complete-only (figures to commit while runs go on)
    done = json.loads(next((res / 'synthetic' / 'kdiffe').glob('*.json')).read_text())
    (res / 'synthetic' / 'kdiffe' / 'inprogress01.json').write_text(json.dumps({**done, 'run_id': 'inprogress01', 'status': 'running'}))
    listed = {}
    for flag in ([], ['--complete-only']):
        p = subprocess.run([sys.executable, '-c', 'from kdiffe.cli import main; main()', 'reproduce', '--preset', 'smoke',
                            '--notebooks', 'main_table', 'efficiency', '--out-dir', str(out), '--results-dir', str(res),
                            '--threads', '1', '--no-progress', *flag], capture_output=True, text=True, timeout=600, cwd=ROOT)
        assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
        listed[bool(flag)] = ('inprogress01' in (out / 'kdiffe_runs.md').read_text(), len((out / 'efficiency.md').read_text().splitlines()))
    assert listed[False][0] and not listed[True][0], listed                 # kdiffe_runs names the run
    assert listed[False][1] == listed[True][1] + 1, listed                  # efficiency: one row per record

def test_parameters_tags_survive_cleaning():
    for nb in (ROOT / 'nbs' / 'experiments').glob('*.ipynb'):
        cells = nbformat.read(nb, 4).cells
        assert any('parameters' in c.metadata.get('tags', []) for c in cells), f"{nb.name} lost its parameters tag"
