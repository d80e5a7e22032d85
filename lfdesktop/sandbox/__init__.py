"""A LiquidFiles-compatible server for demos and tests.

It is written from the API documents alone and imports nothing from the client packages (rule 3 of the
design guide): if both sides shared code, a wrong field name would be wrong on both sides and every test
would still pass.

State lives in ``DATA_DIR``: ``sandbox.sqlite3`` (metadata, WAL mode, readable by tests while the server
runs), ``blobs/<attachment id>`` (assembled files), ``incoming/`` (pieces of unfinished uploads) and
``tmp/`` (bodies being received).
"""
