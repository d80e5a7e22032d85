"""Accounts: where things live (paths), settings (JSON, atomic writes) and API keys (OS keyring only). No Qt."""
