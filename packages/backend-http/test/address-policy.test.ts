import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AddressPolicy, parseHostRule, type HostRule } from '../src/fetch/address-policy.js';

function policy(allowHosts: string[] = [], allowPrivateNetworks = false): AddressPolicy {
  return new AddressPolicy({ allowHosts: allowHosts.map((h) => parseHostRule(h)!), allowPrivateNetworks });
}

describe('address policy (SSRF guard), default options', () => {
  const defaults = policy();
  const refused: Array<[string, RegExp]> = [
    ['127.0.0.1', /loopback/],
    ['127.9.8.7', /loopback/],
    ['::1', /loopback/],
    ['::ffff:127.0.0.1', /loopback address 127\.0\.0\.1/],
    ['::ffff:7f00:1', /loopback address 127\.0\.0\.1/],
    ['::ffff:10.1.2.3', /private/],
    ['10.1.2.3', /private/],
    ['172.16.0.1', /private/],
    ['192.168.1.1', /private/],
    ['169.254.169.254', /link-local/],
    ['fe80::1', /link-local/],
    ['fd00::1', /unique local/],
    ['100.64.0.1', /carrier-grade NAT/],
    ['224.0.0.1', /multicast/],
    ['ff02::1', /multicast/],
    ['0.0.0.0', /unspecified/],
    ['::', /unspecified/],
    ['255.255.255.255', /broadcast/],
    ['192.0.2.1', /special-purpose/],
    ['2002:7f00:1::', /special-purpose \(6to4\)/],
    ['64:ff9b::7f00:1', /special-purpose/],
  ];
  for (const [address, reason] of refused) {
    test(`refuses ${address}`, () => {
      assert.match(defaults.refusal(address) ?? 'allowed', reason);
    });
  }
  test('allows global unicast addresses', () => {
    assert.equal(defaults.refusal('151.101.2.132'), undefined);
    assert.equal(defaults.refusal('2a04:4e42::644'), undefined);
    assert.equal(defaults.refusal('::ffff:151.101.2.132'), undefined);
  });
  test('refuses what is not an address', () => {
    assert.match(defaults.refusal('localhost')!, /not an IP address/);
  });
});

describe('address policy, opened', () => {
  test('allowPrivateNetworks opens loopback, private, CGNAT and unique local, but not link-local or multicast', () => {
    const open = policy([], true);
    for (const a of ['127.0.0.1', '::1', '10.0.0.1', '192.168.0.1', '100.64.0.1', 'fd12::1', '::ffff:10.0.0.1']) assert.equal(open.refusal(a), undefined, a);
    for (const a of ['169.254.169.254', 'fe80::1', '224.0.0.1', '0.0.0.0']) assert.notEqual(open.refusal(a), undefined, a);
  });
  test('a refusal names the options that would open it: allowPrivateNetworks only for the ranges it opens', () => {
    const defaults = policy([], false);
    for (const a of ['127.0.0.1', '10.0.0.1', 'fd12::1']) assert.match(defaults.howToOpen(a), /allowHosts or allowPrivateNetworks/, a);
    for (const a of ['169.254.169.254', 'fe80::1', '224.0.0.1']) {
      assert.match(defaults.howToOpen(a), /option allowHosts \(allowPrivateNetworks does not open it\)/, a);
    }
  });
  test('allowHosts addresses and CIDR ranges open exactly those addresses', () => {
    const open = policy(['127.0.0.1', '10.20.0.0/16', 'fd00::/8', '169.254.169.254']);
    for (const a of ['127.0.0.1', '::ffff:127.0.0.1', '10.20.3.4', 'fd00::5', '169.254.169.254']) assert.equal(open.refusal(a), undefined, a);
    for (const a of ['127.0.0.2', '10.21.0.1', 'fe80::1', '::1']) assert.notEqual(open.refusal(a), undefined, a);
  });
  test('allowHosts names: exact, and *.suffix for subdomains only', () => {
    const open = policy(['Mirror.Example.org', '*.lab.test']);
    assert.equal(open.allowsName('mirror.example.org'), true);
    assert.equal(open.allowsName('mirror.example.org.'), true);
    assert.equal(open.allowsName('other.example.org'), false);
    assert.equal(open.allowsName('a.lab.test'), true);
    assert.equal(open.allowsName('a.b.lab.test'), true);
    assert.equal(open.allowsName('lab.test'), false);
    assert.equal(open.allowsName('evillab.test'), false);
  });
  test('parseHostRule refuses entries that are no host, address or range', () => {
    for (const bad of ['', 'http://x', 'a b', '10.0.0.0/33', '*', '*.', 'x/y']) assert.equal(parseHostRule(bad), undefined, bad);
    assert.deepEqual(parseHostRule('*.Example.org'), { kind: 'suffix', suffix: '.example.org' } satisfies HostRule);
  });
});
