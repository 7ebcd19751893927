/**
 * User metadata values as S3 answers them: "When using non-US-ASCII characters in your metadata
 * values, the provided Unicode string is examined for non-US-ASCII characters. Values of such
 * headers are ... encoded as per RFC 2047 to make them mail-safe before returning. If the string
 * contains only US-ASCII characters, it is presented as is." (S3 User Guide, "Working with object
 * metadata").
 *
 * The RFC leaves the encoder its choices; S3's are those of JavaMail's MimeUtility.encodeText
 * with the UTF-8 charset, which every recorded answer fits:
 * - the value is the header's bytes read one character per byte, then encoded as UTF-8, so the
 *   raw UTF-8 of "ö" came back `=?UTF-8?B?w4PCtg==?=` and "Miniö" `=?UTF-8?Q?Mini=C3=83=C2=B6?=`
 *   (minio/minio#21282, against S3);
 * - control characters count as non-ASCII: "\x04mymeta" came back `=?UTF-8?Q?=04mymeta?=`
 *   (ceph/s3-tests test_object_set_get_non_utf8_metadata);
 * - "Q" while ASCII characters outnumber the others, else "B" (both answers above);
 * - a word longer than 75 characters is split in halves, by characters, until each fits, and the
 *   words are joined by a space.
 */

/**
 * A character needing encoding: DEL and above, and controls other than tab. JavaMail leaves CR
 * and LF as they are, but no header can carry them, and S3's answer for such a value (which only
 * a POST form field or a presigned URL's query can bring) is not on record: they are encoded as
 * the other controls are, so the object stays readable.
 */
function nonAscii(code: number): boolean {
  return code >= 0x7f || (code < 0x20 && code !== 0x09);
}

/** Encoded text a word may hold: 75, less `=?UTF-8?X?` and `?=`. */
const WORD_ROOM = 68 - "UTF-8".length;
/** Printable characters "Q" still encodes in text (RFC 2047 section 5 (1)). */
const Q_SPECIALS = new Set(["=".charCodeAt(0), "_".charCodeAt(0), "?".charCodeAt(0)]);
const SPACE = 0x20;

function qEncoded(byte: number): boolean {
  return byte < SPACE || byte >= 0x7f || Q_SPECIALS.has(byte);
}

function qLength(bytes: Buffer): number {
  let length = 0;
  for (const byte of bytes) length += qEncoded(byte) ? 3 : 1;
  return length;
}

function q(bytes: Buffer): string {
  let text = "";
  for (const byte of bytes) {
    if (byte === SPACE) text += "_";
    else if (qEncoded(byte)) text += `=${byte.toString(16).toUpperCase().padStart(2, "0")}`;
    else text += String.fromCharCode(byte);
  }
  return text;
}

function encodeWords(text: string, base64: boolean, words: string[]): void {
  const bytes = Buffer.from(text, "utf8");
  const length = base64 ? Math.ceil(bytes.length / 3) * 4 : qLength(bytes);
  if (length > WORD_ROOM && text.length > 1) {
    let split = text.length >> 1;
    // A surrogate pair stays in one word.
    const before = text.charCodeAt(split - 1);
    if (before >= 0xd800 && before <= 0xdbff) split--;
    if (split > 0) encodeWords(text.slice(0, split), base64, words);
    encodeWords(text.slice(split), base64, words);
    return;
  }
  words.push(`=?UTF-8?${base64 ? "B" : "Q"}?${base64 ? bytes.toString("base64") : q(bytes)}?=`);
}

/** A metadata value as S3 returns it in a header: as stored when it is ASCII, else RFC 2047 encoded-words. */
export function mailSafe(value: string): string {
  let others = 0;
  for (let i = 0; i < value.length; i++) if (nonAscii(value.charCodeAt(i))) others++;
  if (others === 0) return value;
  const words: string[] = [];
  encodeWords(value, value.length - others <= others, words);
  return words.join(" ");
}
