"""After start-up the garbage collector no longer walks what start-up made: a full collection
over it held the GIL (and so the event loop) for about 120 ms on the 2-core machine."""

from __future__ import annotations

import gc
from pathlib import Path

from voxbooth.server.app import create_app, warm_up
from voxbooth.server.settings import Settings


def test_warm_up_puts_start_up_objects_out_of_the_collectors_reach(tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=tmp_path / "data"))
    gc.unfreeze()
    try:
        warm_up(app)
        schema = app.openapi_schema
        assert schema is not None and gc.is_tracked(schema)
        assert gc.get_freeze_count() > 10_000
        # the collector's generations no longer hold it: a collection does not visit it
        assert all(obj is not schema for obj in gc.get_objects())
    finally:
        gc.unfreeze()
