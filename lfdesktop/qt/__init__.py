"""The bridge between the asyncio engine and the widgets: controllers that turn async work into Qt signals,
and Qt item models over the engine's state. No widgets here (those live in ``lfdesktop.ui``)."""
