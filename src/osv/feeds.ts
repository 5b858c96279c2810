import { gunzipSync } from 'node:zlib';
import { UpstreamError } from '../errors.js';
import { getPublic } from './export.js';

/** CISA's Known Exploited Vulnerabilities catalog, as JSON. */
export const KEV_URL = 'https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json';
/** FIRST's EPSS scores of every CVE, today's, as a gzipped CSV. */
export const EPSS_URL = 'https://epss.empiricalsecurity.com/epss_scores-current.csv.gz';

/** Far above either feed (the catalog is about 1.5 MB, the EPSS scores about 15 MB once decompressed). */
export const MAX_FEED_BYTES = 128 * 1024 ** 2;

/** A feed's text (gunzipped when it is gzip), bounded before and after decompression. */
export function feedText(bytes: Buffer, where: string): string {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      return gunzipSync(bytes, { maxOutputLength: MAX_FEED_BYTES }).toString('utf8');
    } catch (error) {
      throw new Error(
        `${where} is not a gzip file herowatch can read, or is larger than ${MAX_FEED_BYTES / 1024 ** 2} MiB once decompressed (${(error as Error).message})`,
        { cause: error },
      );
    }
  }
  return bytes.toString('utf8');
}

/** Downloads a feed (nothing sent is secret; no redirect is followed), bounded in size. */
export async function downloadFeed(url: string): Promise<string> {
  const response = await getPublic(url, { code: 'HW_PRIORITIES_UNAVAILABLE', name: 'the feed' });
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body) {
      size += (chunk as Buffer).length;
      if (size > MAX_FEED_BYTES) {
        response.body.destroy();
        throw new UpstreamError('HW_PRIORITIES_UNAVAILABLE', `${url} is larger than ${MAX_FEED_BYTES / 1024 ** 2} MiB: herowatch stopped reading it.`);
      }
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    if (error instanceof UpstreamError) throw error;
    throw new UpstreamError('HW_PRIORITIES_UNAVAILABLE', `${url} was cut short (${(error as Error).message}).`);
  }
  try {
    return feedText(Buffer.concat(chunks), url);
  } catch (error) {
    throw new UpstreamError('HW_PRIORITIES_UNAVAILABLE', (error as Error).message);
  }
}
