// @peculiar/x509 relies on reflect-metadata (tsyringe) being loaded first.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

// Node's WebCrypto explicitly, so behaviour does not depend on which globals the runtime exposes.
x509.cryptoProvider.set(webcrypto);

export { x509 };
