// test/table-refresh-token-store.test.ts: the conformance kit checks every clause of the contract.
import { describe, expect, it } from 'vitest';
import { runRefreshTokenStoreSuite } from 'jwtkit/testing';
import { TableRefreshTokenStore } from './table-refresh-token-store.js';

runRefreshTokenStoreSuite(() => new TableRefreshTokenStore(), { describe, it, expect });
