import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/config.js';
import { openCountryDatabase } from './country-database.js';

describe('the IP country database', () => {
  const countries = openCountryDatabase();

  it('places IPv4 and IPv6 addresses by ISO 3166 alpha-2 code', () => {
    expect(countries.countryOf('145.97.1.1')).toBe('NL');
    expect(countries.countryOf('81.2.69.142')).toBe('GB');
    expect(countries.countryOf('2001:4860:4860::8888')).toBe('US');
  });

  it('answers "" for private, loopback and malformed addresses', () => {
    for (const ip of ['127.0.0.1', '10.1.2.3', '::1', 'not an address', '', '1.2.3.4.5'])
      expect(countries.countryOf(ip)).toBe('');
  });

  it('a file that is not an .mmdb database is refused when opened, naming it', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'baton-geoip-')), 'countries.mmdb');
    writeFileSync(path, 'not a database');
    expect(() => openCountryDatabase(path)).toThrow(ConfigError);
    expect(() => openCountryDatabase(path)).toThrow(path);
    expect(() => openCountryDatabase(join(tmpdir(), 'no-such-file.mmdb'))).toThrow(
      /BATON_GEOIP_DB: .*no-such-file\.mmdb cannot be read/,
    );
  });
});
