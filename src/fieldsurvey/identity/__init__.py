"""Officer and office identities: Ed25519 keys kept encrypted under a passphrase."""
