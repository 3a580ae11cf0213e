// Quiet fabric-contract-api's per-transaction winston logging in tests (errors are asserted, not read).
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'critical';
