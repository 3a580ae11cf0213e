/**
 * jsdom for the portal's component tests, plus the Web APIs a browser has and jsdom 20 lacks
 * (TextEncoder/TextDecoder, used by the QR encoder; ReadableStream, the body of a streamed answer).
 * Tests name it in a `@jest-environment` docblock.
 */
const { TextDecoder, TextEncoder } = require('node:util');
const { ReadableStream } = require('node:stream/web');
const { TestEnvironment } = require('jest-environment-jsdom');

class PortalEnvironment extends TestEnvironment {
  async setup() {
    await super.setup();
    this.global.TextEncoder ??= TextEncoder;
    this.global.TextDecoder ??= TextDecoder;
    this.global.ReadableStream ??= ReadableStream;
  }
}

module.exports = PortalEnvironment;
