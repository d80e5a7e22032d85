"""Background sync: new inbox messages' files downloaded, verified, into a sync folder (no Qt here)."""
