"fetch() against a local HTTP server on 127.0.0.1: success, checksum mismatch, interrupted download."
import functools, http.server, shutil, threading
from pathlib import Path
import pytest
from kdiffe.data import REGISTRY, DataError, ChecksumError, git_blob_id
from kdiffe.sources import fetch, verify

class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a): pass

class _Truncating(_Quiet):
    "Announces the full length, sends half, closes."
    def do_GET(self):
        p = Path(self.translate_path(self.path)); b = p.read_bytes()
        self.send_response(200); self.send_header('Content-Length', str(len(b))); self.end_headers()
        self.wfile.write(b[:len(b) // 2]); self.wfile.flush(); self.close_connection = True

@pytest.fixture
def server(tmp_path):
    served = tmp_path / 'served'; served.mkdir()
    started = []
    def start(handler=_Quiet):
        httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0), functools.partial(handler, directory=str(served)))
        threading.Thread(target=httpd.serve_forever, daemon=True).start(); started.append(httpd)
        return f"http://127.0.0.1:{httpd.server_address[1]}/{{name}}/{{file}}"
    yield served, start
    for h in started: h.shutdown(); h.server_close()

@pytest.fixture
def fake_dataset(server, monkeypatch):
    served, start = server
    d = served / 'fake'; d.mkdir()
    (d / 'a.txt').write_text('alpha\n' * 1000); (d / 'b.txt').write_text('beta\n' * 500)
    rows = [dict(name='fake', file=f, blob=git_blob_id(d / f), size=(d / f).stat().st_size, unzip_to=None, url='')
            for f in ('a.txt', 'b.txt')]
    monkeypatch.setitem(REGISTRY, 'fake', rows)
    return served, start

def test_fetch_success_and_idempotent(fake_dataset, tmp_path):
    served, start = fake_dataset
    url = start(); root = tmp_path / 'data'
    assert fetch('fake', root, mirror=url, progress=False) == {'a.txt': 'downloaded', 'b.txt': 'downloaded'}
    assert (root / 'fake' / 'a.txt').read_text() == (served / 'fake' / 'a.txt').read_text()
    assert fetch('fake', root, mirror=url, progress=False) == {'a.txt': 'present', 'b.txt': 'present'}
    assert verify(root, 'fake') == {'a.txt': 'ok', 'b.txt': 'ok'}

def test_checksum_mismatch_leaves_nothing(fake_dataset, tmp_path):
    served, start = fake_dataset
    (served / 'fake' / 'a.txt').write_text('alpha\n' * 999 + 'alphA\n')       # same size, other bytes
    root = tmp_path / 'data'
    with pytest.raises(ChecksumError, match='a.txt.*checksum mismatch'):
        fetch('fake', root, mirror=start(), progress=False)
    assert sorted(p.name for p in (root / 'fake').iterdir()) == []             # no final file, no .part

def test_interrupted_download_leaves_nothing(fake_dataset, tmp_path):
    served, start = fake_dataset
    root = tmp_path / 'data'
    with pytest.raises(DataError, match='a.txt'):
        fetch('fake', root, mirror=start(_Truncating), progress=False)
    assert list((root / 'fake').iterdir()) == []

def test_existing_user_file_untouched(fake_dataset, tmp_path):
    served, start = fake_dataset
    root = tmp_path / 'data'; (root / 'fake').mkdir(parents=True)
    (root / 'fake' / 'a.txt').write_text('my own edits')
    st = fetch('fake', root, mirror=start(), progress=False)
    assert 'MISMATCH' in st['a.txt'] and (root / 'fake' / 'a.txt').read_text() == 'my own edits'

def test_fetch_real_files_from_local_mirror(server, shared_data, tmp_path):
    served, start = server
    shutil.copytree(shared_data / 'tiktok', served / 'tiktok')
    root = tmp_path / 'data'
    st = fetch('tiktok', root, files=['trnMat.pkl', 'kg.txt'], mirror=start(), progress=False)
    assert st == {'trnMat.pkl': 'downloaded', 'kg.txt': 'downloaded'}
    v = verify(root, 'tiktok'); assert v['trnMat.pkl'] == 'ok' and v['kg.txt'] == 'ok'
