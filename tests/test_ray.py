"The Ray executor on 127.0.0.1: two tiny synthetic runs give the same records as the local executor."
import json
import pytest
from kdiffe.records import read_records
from kdiffe.tuning import run_plan
from kdiffe.config import get_model

ray = pytest.importorskip('ray', reason="Ray is an optional extra (pip install 'kdiffe[ray]'); CI installs it")

def test_ray_executor_matches_local(tmp_path):
    cfg = get_model('mf').config_class.preset('smoke', epochs=2)
    plan = [('mf', 'synthetic', cfg.replace(seed=s)) for s in (0, 1)]
    ray.init(address='local', num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        via_ray = run_plan(plan, None, tmp_path / 'ray', executor='ray')
    finally:
        ray.shutdown()
    local = run_plan(plan, None, tmp_path / 'local', executor='local')
    assert [r['status'] for r in via_ray] == ['complete', 'complete']
    assert [r['run_id'] for r in via_ray] == [r['run_id'] for r in local]
    a = {r['run_id']: r['summary'] for r in read_records(tmp_path / 'ray')}
    b = {r['run_id']: r['summary'] for r in read_records(tmp_path / 'local')}
    assert a == b
