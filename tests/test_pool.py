"""kg.build.shared_extractor: a forked pool's workers start with jieba and the lexicons loaded.

Loaded in the parent before the fork, they are shared by the workers (copy-on-write)
instead of loaded once per worker; the garbage collector is frozen meanwhile so that it
does not copy the shared pages, and thawed when the pool is done.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = r"""
import gc, json, sys
from multiprocessing import get_context
sys.path.insert(0, sys.argv[1])
from kg import tokenizer
from kg.build import shared_extractor

def loaded(_):
    return tokenizer.pos_tokenizer.cache_info().currsize, gc.get_freeze_count() > 0

ctx = get_context("fork")
with ctx.Pool(1) as pool:
    plain = pool.map(loaded, [0])[0]
with shared_extractor(ctx), ctx.Pool(1) as pool:
    shared = pool.map(loaded, [0])[0]
    frozen = gc.get_freeze_count() > 0
print(json.dumps({"plain": plain, "shared": shared, "frozen": frozen, "after": gc.get_freeze_count()}))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the pool forks on Linux only")
def test_a_forked_pool_starts_with_the_extractor_loaded_and_gc_frozen():
    import json

    done = subprocess.run([sys.executable, "-c", SCRIPT, str(ROOT)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout.strip().splitlines()[-1])
    assert got["plain"] == [0, False]  # without it, each worker loads its own tokenizer on its first article
    assert got["shared"] == [1, True]  # loaded before the fork, and the collector frozen in the worker
    assert got["frozen"] is True and got["after"] == 0  # thawed once the pool is done
