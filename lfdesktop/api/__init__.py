"""The LiquidFiles protocol: an async client with typed records and a tree of errors. No Qt here."""
