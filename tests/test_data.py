"One test per kind of bad input: each raises DataError naming the file."
import pickle
import numpy as np
import pytest
import scipy.sparse as sp
from kdiffe import data as kd
from kdiffe.data import DataError, ChecksumError, load, synthetic, git_blob_id, REGISTRY, MODALITY_FILES

def write_upstream(ds, d):
    d.mkdir(parents=True, exist_ok=True)
    for s, f in (('train', 'trnMat.pkl'), ('val', 'valMat.pkl'), ('test', 'tstMat.pkl')):
        with open(d / f, 'wb') as fh: pickle.dump(getattr(ds, s).tocoo(), fh)
    for m, x in ds.features.items(): np.save(d / MODALITY_FILES[m], x)
    np.savetxt(d / 'kg.txt', ds.kg, fmt='%d')
    return d

@pytest.fixture
def mine(tmp_path):
    return write_upstream(synthetic(n_users=40, n_items=25, per_user=(3, 8)), tmp_path / 'mine')

def _load(d): return load(d, trust_pickle=True, cache_dir=False)

def _dump(path, m):
    with open(path, 'wb') as fh: pickle.dump(m, fh)

def test_loads(mine):
    ds = _load(mine)
    assert ds.n_items == 25 and ds.modalities == ['visual', 'acoustic']

def test_split_shapes_disagree(mine):
    _dump(mine / 'valMat.pkl', sp.coo_matrix((40, 26)))
    with pytest.raises(DataError, match='valMat.pkl.*shape'): _load(mine)

def test_pair_in_two_splits(mine):
    tr = pickle.load(open(mine / 'trnMat.pkl', 'rb')).tocsr()
    te = pickle.load(open(mine / 'tstMat.pkl', 'rb')).tocsr()
    _dump(mine / 'tstMat.pkl', (te + tr[:5].tocsr().__class__(sp.vstack([tr[:5], sp.csr_matrix((35, 25))]))).tocoo())
    with pytest.raises(DataError, match='tstMat.pkl.*both train'): _load(mine)

def test_feature_rows(mine):
    np.save(mine / 'audio_feat.npy', np.zeros((24, 4), np.float32))
    with pytest.raises(DataError, match='audio_feat.npy.*one row per item'): _load(mine)

def test_nan_features(mine):
    x = np.load(mine / 'image_feat.npy'); x[3, 1] = np.inf; np.save(mine / 'image_feat.npy', x)
    with pytest.raises(DataError, match='image_feat.npy.*NaN'): _load(mine)

def test_kg_out_of_range(mine):
    (mine / 'kg.txt').write_text('0 1 1\n25 1 1\n')
    with pytest.raises(DataError, match='kg.txt.*head id'): _load(mine)
    (mine / 'kg.txt').write_text('0 -1 1\n')
    with pytest.raises(DataError, match='kg.txt.*negative'): _load(mine)

def test_empty_file(mine):
    (mine / 'valMat.pkl').write_bytes(b'')
    with pytest.raises(DataError, match='valMat.pkl.*empty'): _load(mine)

def test_truncated_pickle(mine):
    b = (mine / 'trnMat.pkl').read_bytes(); (mine / 'trnMat.pkl').write_bytes(b[:len(b) // 2])
    with pytest.raises(DataError, match='trnMat.pkl.*truncated'): _load(mine)

def test_truncated_kg(mine):
    (mine / 'kg.txt').write_text('0 1 1\n2 1\n')
    with pytest.raises(DataError, match='kg.txt.*triples'): _load(mine)

def test_missing_split(mine):
    (mine / 'valMat.pkl').unlink()
    with pytest.raises(DataError, match='valMat.pkl.*missing'): _load(mine)

def test_untrusted_pickle_refused(mine):
    with pytest.raises(DataError, match='trnMat.pkl.*refusing to unpickle'): load(mine, cache_dir=False)

def test_checksum_mismatch(mine, monkeypatch):
    """A registered file whose bytes changed is refused before unpickling."""
    rows = [dict(name='mine', file=f, blob=git_blob_id(mine / f), size=None, unzip_to=None, url='') for f in
            ('trnMat.pkl', 'valMat.pkl', 'tstMat.pkl')]
    monkeypatch.setitem(REGISTRY, 'mine', rows)
    assert load(mine, cache_dir=False).n_users == 40           # registered: no trust flag needed
    tr = pickle.load(open(mine / 'trnMat.pkl', 'rb')); tr.data[0] = 2.0; _dump(mine / 'trnMat.pkl', tr)
    with pytest.raises(ChecksumError, match='trnMat.pkl.*checksum mismatch'): load(mine, cache_dir=False)

def test_missing_modality_requested(mine):
    with pytest.raises(DataError, match="text_feat.npy.*'textual'"): load(mine, modalities=['visual', 'textual'], trust_pickle=True, cache_dir=False)

def test_users_without_training_reported(mine):
    tr = pickle.load(open(mine / 'trnMat.pkl', 'rb')).tocsr()
    va = pickle.load(open(mine / 'valMat.pkl', 'rb')).tocsr(); te = pickle.load(open(mine / 'tstMat.pkl', 'rb')).tocsr()
    keep = np.ones(40); keep[7] = 0
    _dump(mine / 'trnMat.pkl', (sp.diags(keep) @ tr).tocoo())
    with pytest.warns(UserWarning, match='1 users have no training'):
        ds = _load(mine)
    assert ds.n_users == 40 and ds.users_without_train().tolist() == [7]   # reported, not dropped

def test_cache_never_unpickles_again(mine, tmp_path, monkeypatch):
    c = tmp_path / 'c'
    a = load(mine, trust_pickle=True, cache_dir=c)
    monkeypatch.setattr(kd, '_unpickle_sparse', lambda p: (_ for _ in ()).throw(AssertionError('unpickled')))
    b = load(mine, trust_pickle=True, cache_dir=c)
    assert (a.train != b.train).nnz == 0 and a.kg.tolist() == b.kg.tolist()

def test_real_tiktok(shared_data, tmp_path):
    ds = load(shared_data, 'tiktok', cache_dir=tmp_path)
    assert (ds.n_users, ds.n_items, ds.train.nnz, ds.val.nnz, ds.test.nnz) == (9308, 6710, 59541, 3051, 6130)
    assert ds.attention.nnz == 119082 and ds.attention_walk == (130, 6)
    assert ds.kg.shape == (20130, 3)

def test_upstream_round_trip_through_tables(shared_data, tmp_path):
    "TikTok written as a CSV with a split column plus one .npy per modality, imported back, is the same dataset."
    import numpy as np, pandas as pd
    from kdiffe.sources import import_dataset
    ds = load(shared_data, 'tiktok', cache_dir=tmp_path / 'cache')
    rows = [(u, i, s) for s, m in (('train', ds.train), ('val', ds.val), ('test', ds.test)) for u, i in zip(*m.nonzero())]
    pd.DataFrame(rows, columns=['userID', 'itemID', 'split']).to_parquet(tmp_path / 'tiktok.parquet')
    for m, x in ds.features.items(): np.save(tmp_path / f'{m}.npy', x)
    back = import_dataset('tiktok_again', tmp_path / 'data', tmp_path / 'tiktok.parquet', features={m: tmp_path / f'{m}.npy' for m in ds.features})
    assert back.train.shape == ds.train.shape
    for s in ('train', 'val', 'test'): assert (getattr(back, s) != getattr(ds, s)).nnz == 0, s
    for m in ds.features: assert np.array_equal(back.features[m], ds.features[m]), m

def test_baby_with_feature_files(shared_data, tmp_path):
    "Amazon-Baby with feature files of the right shapes (synthetic stand-ins, never real data) loads with its modalities."
    import numpy as np
    d = tmp_path / 'baby'; d.mkdir()
    for f in (shared_data / 'baby').iterdir(): (d / f.name).symlink_to(f)
    r = np.random.default_rng(0)
    np.save(d / 'image_feat.npy', r.random((7050, 4096), dtype=np.float32).astype(np.float16))
    np.save(d / 'text_feat.npy', r.random((7050, 1024), dtype=np.float32).astype(np.float16))
    import pytest
    with pytest.raises(ChecksumError, match='text_feat.npy'): load(tmp_path, 'baby', cache_dir=False)     # not the registered files
    ds = load(tmp_path, 'baby', trust_pickle=True, cache_dir=False)
    assert ds.modalities == ['visual', 'textual'] and ds.features['visual'].shape == (7050, 4096) and ds.features['textual'].shape == (7050, 1024)
    from kdiffe.multimodal import item_features
    assert {m: tuple(x.shape) for m, x in item_features('freedom', ds).items()} == {'visual': (7050, 4096), 'textual': (7050, 1024)}
