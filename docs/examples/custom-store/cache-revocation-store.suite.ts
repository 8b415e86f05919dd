// test/cache-revocation-store.test.ts: the kit also checks that entries last until expiresAt on the
// caller's clock, however far it is from the real one.
import { describe, expect, it } from 'vitest';
import { runRevocationStoreSuite } from 'jwtkit/testing';
import { CacheRevocationStore } from './cache-revocation-store.js';

runRevocationStoreSuite(() => new CacheRevocationStore(), { describe, it, expect });
