/**
 * Presigned S3 URLs in the simulator: what S3 checks when a host PUTs to one. The signature (SigV4, query-string
 * form) is recomputed, so a URL whose key, bucket or signed headers were changed is refused; the signer is the
 * principal behind the access key (the simulated clients of an account sign as that account's caller role); the
 * URL expires on the simulator's clock; the upload is then authorized as the signer, as S3 does.
 */
import { createHash, createHmac } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { SimModel } from './model';

/** The secret every simulated client signs with. */
export const SIM_SECRET_ACCESS_KEY = 'sim';

/** The access key id the simulated clients of an account sign with (it names the account, hence the signer). */
export function simAccessKeyId(accountId: string): string {
  return `ASIASIM${accountId}`;
}

export interface PresignedCheck {
  ok: boolean;
  status: number;
  code?: string;
  message?: string;
  bucket?: string;
  key?: string;
  /** The signer (role ARN) when the signature is valid. */
  principal?: string;
}

const MAX_EXPIRES_SECONDS = 604_800;

/** RFC 3986 encoding as SigV4 requires (unreserved characters kept). */
const encode = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** The SigV4 signature of a presigned request (query parameters without X-Amz-Signature). */
export function presignedSignature(
  method: string,
  url: URL,
  headers: Record<string, string>,
  secretAccessKey: string,
): string {
  const params = [...url.searchParams.entries()]
    .filter(([k]) => k !== 'X-Amz-Signature')
    .map(([k, v]) => [encode(k), encode(v)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const signedHeaders = (url.searchParams.get('X-Amz-SignedHeaders') ?? 'host').split(';');
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v.trim()]));
  lower.host = url.host;
  const canonicalRequest = [
    method,
    url.pathname || '/',
    params.map(([k, v]) => `${k}=${v}`).join('&'),
    ...signedHeaders.map((h) => `${h}:${lower[h] ?? ''}`),
    '',
    signedHeaders.join(';'),
    url.searchParams.get('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD',
  ].join('\n');
  const amzDate = url.searchParams.get('X-Amz-Date') ?? '';
  const [, date = '', region = '', service = ''] = (url.searchParams.get('X-Amz-Credential') ?? '').split(
    '/',
  );
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    scope,
    createHash('sha256').update(canonicalRequest).digest('hex'),
  ].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), 'aws4_request');
  return createHmac('sha256', signingKey).update(stringToSign).digest('hex');
}

/** `20260301T120000Z` → epoch ms. */
function parseAmzDate(value: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return Number.NaN;
  return Date.UTC(+(m[1] ?? 0), +(m[2] ?? 1) - 1, +(m[3] ?? 1), +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
}

/** Bucket and key of an S3 URL (virtual-hosted or path style). */
function locate(url: URL): { bucket: string; key: string } | undefined {
  const virtual = /^([a-z0-9][a-z0-9.-]*)\.s3[.-]([a-z0-9-]+\.)?amazonaws\.com$/.exec(url.hostname);
  const path = url.pathname.replace(/^\//, '');
  if (virtual?.[1]) return { bucket: virtual[1], key: decodeURIComponent(path) };
  if (/^s3[.-]([a-z0-9-]+\.)?amazonaws\.com$/.test(url.hostname)) {
    const [bucket = '', ...rest] = path.split('/');
    return { bucket, key: decodeURIComponent(rest.join('/')) };
  }
  return undefined;
}

const refuse = (status: number, code: string, message: string): PresignedCheck => ({
  ok: false,
  status,
  code,
  message,
});

/** Checks a presigned PUT as S3 does before it looks at the bucket: signature, signer, expiry, body checksum. */
export function checkPresignedPut(
  model: SimModel,
  rawUrl: string,
  headers: Record<string, string>,
  body: Uint8Array,
): PresignedCheck {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return refuse(400, 'InvalidURI', 'Could not parse the specified URI.');
  }
  const where = locate(url);
  if (!where) return refuse(400, 'InvalidURI', 'Not an S3 endpoint.');
  const q = url.searchParams;
  if (q.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256')
    return refuse(403, 'AccessDenied', 'Only AWS4-HMAC-SHA256 presigned URLs are accepted.');
  const [accessKeyId = ''] = (q.get('X-Amz-Credential') ?? '').split('/');
  const account = /^ASIASIM(\d{12})$/.exec(accessKeyId)?.[1];
  if (!account)
    return refuse(
      403,
      'InvalidAccessKeyId',
      'The AWS Access Key Id you provided does not exist in our records.',
    );
  const expires = Number(q.get('X-Amz-Expires'));
  if (!Number.isInteger(expires) || expires < 1 || expires > MAX_EXPIRES_SECONDS)
    return refuse(
      400,
      'AuthorizationQueryParametersError',
      'X-Amz-Expires must be less than a week (in seconds) that is 604800',
    );
  const signedAt = parseAmzDate(q.get('X-Amz-Date') ?? '');
  const now = model.now().getTime();
  if (Number.isNaN(signedAt)) return refuse(403, 'AccessDenied', 'X-Amz-Date is not valid.');
  if (now > signedAt + expires * 1000) return refuse(403, 'AccessDenied', 'Request has expired');
  if (signedAt > now + 15 * 60_000) return refuse(403, 'AccessDenied', 'Request is not valid yet');
  const expected = presignedSignature('PUT', url, headers, SIM_SECRET_ACCESS_KEY);
  if (expected !== q.get('X-Amz-Signature'))
    return refuse(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided.',
    );
  const crc = q.get('x-amz-checksum-crc32');
  if (crc !== null) {
    const actual = Buffer.alloc(4);
    actual.writeUInt32BE(crc32(body) >>> 0);
    if (actual.toString('base64') !== crc)
      return refuse(400, 'BadDigest', 'The CRC32 you specified did not match the calculated checksum.');
  }
  return { ok: true, status: 200, ...where, principal: model.callerRoleArn(account) };
}
