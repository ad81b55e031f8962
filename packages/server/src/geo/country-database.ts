import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import { type CountryResponse, Reader } from 'maxmind';
import { ConfigError } from '../config/config.js';
import type { CountryLookup } from '../core/ports.js';

/**
 * The country database Baton ships: ip-location-db's GeoFeed + WHOIS + ASN country data
 * (IPv4 and IPv6), built from the regional registries' data (CC BY 4.0, NRO). Replace it
 * with `BATON_GEOIP_DB` (docs/policy.md says why a production install may want to).
 */
export const bundledCountryDatabase = createRequire(import.meta.url).resolve(
  '@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb',
);

/** The records of the databases Baton reads: ip-location-db's (`country_code`) and MaxMind's country and city ones (`country.iso_code`). */
interface CountryRecord {
  country_code?: string;
  country?: { iso_code?: string };
}

/**
 * Opens an `.mmdb` country database once, in memory, and answers ISO 3166 alpha-2 codes
 * (`""` for an address it does not place, or not an address). A file that cannot be read
 * as one is refused here, at start, never at request time.
 */
export function openCountryDatabase(path: string = bundledCountryDatabase): CountryLookup {
  let reader: Reader<CountryResponse>;
  try {
    reader = new Reader<CountryResponse>(readFileSync(path));
  } catch (error) {
    throw new ConfigError(
      `BATON_GEOIP_DB: ${path} cannot be read as an IP country database (.mmdb): ${(error as Error).message}`,
    );
  }
  return {
    countryOf(ip) {
      if (isIP(ip) === 0) return '';
      const record = reader.get(ip) as CountryRecord | null;
      return (record?.country_code ?? record?.country?.iso_code ?? '').toUpperCase();
    },
  };
}
