"""Staff accounts: users, password hashing, sessions with expiry, roles and jurisdiction scope."""
