"""Moving bytes: chunked uploads with live progress and verification, verified downloads, the durable
upload journal and the transfer queue. Plain asyncio, no Qt: the GUI polls snapshots on its own timer."""
