import { describe, expect, it } from 'vitest';
import { wheelDistribution } from '../src/views/platform-view.js';

describe('wheelDistribution', () => {
  it("names a dependency wheel's distribution as the Python fake compares it (PEP 503, lower case, runs of -_. as one -)", () => {
    expect(wheelDistribution('psutil-5.9.4-cp311-abi3-linux_x86_64.whl')).toBe('psutil');
    expect(wheelDistribution('Foo_Bar.baz-1.0-py3-none-any.whl')).toBe('foo-bar-baz');
    expect(wheelDistribution('zope.interface-5.5.2-cp311-cp311-linux_x86_64.whl')).toBe('zope-interface');
  });
});
