/* kiosk-seal.c: the outbox's chunked encryption at rest (see kiosk-seal.h). */
#include "kiosk-seal.h"

#include <errno.h>
#include <openssl/evp.h>
#include <sodium.h>
#include <string.h>
#include <sys/random.h>

#define MAGIC       "KOB2"
#define MAGIC_BYTES 4
#define SALT_BYTES  16
#define TAG_BYTES   16
#define NONCE_BYTES 12

struct _KioskUnsealer
{
  KioskSealFormat   format;
  EVP_CIPHER_CTX   *ctx;        /* format 2 */
  guint64           index;      /* format 2: the next chunk's number */
  crypto_secretstream_xchacha20poly1305_state state;   /* format 1 */
  gboolean          done;       /* the last chunk has been read */
};

gsize
kiosk_seal_header_size (KioskSealFormat format)
{
  return format == KIOSK_SEAL_SECRETSTREAM ? crypto_secretstream_xchacha20poly1305_HEADERBYTES
                                           : MAGIC_BYTES + SALT_BYTES;
}

/* The size of a sealed chunk of 64 KiB, tag included. */
gsize
kiosk_seal_chunk_size (KioskSealFormat format)
{
  return KIOSK_SEAL_CHUNK + (format == KIOSK_SEAL_SECRETSTREAM ? crypto_secretstream_xchacha20poly1305_ABYTES
                                                               : TAG_BYTES);
}

/* What a blob of @sealed_size bytes holds once decrypted (0 if it cannot be a blob). */
gsize
kiosk_sealed_plain_size (KioskSealFormat format,
                         gsize           sealed_size)
{
  gsize header = kiosk_seal_header_size (format);
  gsize chunk = kiosk_seal_chunk_size (format);
  gsize overhead = chunk - KIOSK_SEAL_CHUNK;
  gsize n_chunks;

  if (sealed_size < header + overhead)
    return 0;
  n_chunks = (sealed_size - header + chunk - 1) / chunk;
  return sealed_size - header - n_chunks * overhead;
}

static void
derive_blob_key (const guint8 *key,
                 const guint8 *salt,
                 guint8       *blob_key)
{
  crypto_generichash (blob_key, KIOSK_SEAL_KEY_BYTES, salt, SALT_BYTES, key, KIOSK_SEAL_KEY_BYTES);
}

static void
make_nonce (guint64  index,
            guint8  *nonce)
{
  memset (nonce, 0, NONCE_BYTES);
  for (int i = 0; i < 8; i++)
    nonce[NONCE_BYTES - 1 - i] = (guint8) (index >> (8 * i));
}

/**
 * kiosk_seal:
 * @key: the entry's key, %KIOSK_SEAL_KEY_BYTES bytes
 *
 * Returns: (transfer full): @data sealed in format 2
 */
GBytes *
kiosk_seal (const guint8 *key,
            const void   *data,
            gsize         size)
{
  gsize n_chunks = MAX (1, (size + KIOSK_SEAL_CHUNK - 1) / KIOSK_SEAL_CHUNK);
  gsize total = MAGIC_BYTES + SALT_BYTES + size + n_chunks * TAG_BYTES;
  guint8 *out = g_malloc (total);
  guint8 *p = out + MAGIC_BYTES + SALT_BYTES;
  const guint8 *in = data;
  guint8 blob_key[KIOSK_SEAL_KEY_BYTES];
  EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new ();
  gboolean ok;

  memcpy (out, MAGIC, MAGIC_BYTES);
  randombytes_buf (out + MAGIC_BYTES, SALT_BYTES);
  derive_blob_key (key, out + MAGIC_BYTES, blob_key);
  ok = ctx != NULL && EVP_EncryptInit_ex2 (ctx, EVP_chacha20_poly1305 (), blob_key, NULL, NULL) == 1;
  sodium_memzero (blob_key, sizeof blob_key);
  for (gsize i = 0; ok && i < n_chunks; i++)
    {
      gsize length = MIN (KIOSK_SEAL_CHUNK, size - i * KIOSK_SEAL_CHUNK);
      guint8 last = i + 1 == n_chunks;
      guint8 nonce[NONCE_BYTES];
      int written = 0, ignored = 0;

      make_nonce (i, nonce);
      ok = EVP_EncryptInit_ex2 (ctx, NULL, NULL, nonce, NULL) == 1
           && EVP_EncryptUpdate (ctx, NULL, &ignored, &last, 1) == 1
           && (length == 0 || EVP_EncryptUpdate (ctx, p, &written, in + i * KIOSK_SEAL_CHUNK, length) == 1)
           && (gsize) written == length
           && EVP_EncryptFinal_ex (ctx, p + written, &ignored) == 1
           && EVP_CIPHER_CTX_ctrl (ctx, EVP_CTRL_AEAD_GET_TAG, TAG_BYTES, p + length) == 1;
      p += length + TAG_BYTES;
    }
  EVP_CIPHER_CTX_free (ctx);
  /* Only an OpenSSL without ChaCha20-Poly1305 or out of memory gets here: nothing to recover. */
  if (!ok)
    g_error ("Cannot encrypt for the outbox");
  return g_bytes_new_take (out, total);
}

/**
 * kiosk_unsealer_new:
 * @header: the blob's first kiosk_seal_header_size() bytes
 *
 * Returns: (transfer full) (nullable): %NULL when the header is not one of @format
 */
KioskUnsealer *
kiosk_unsealer_new (KioskSealFormat  format,
                    const guint8    *key,
                    const guint8    *header)
{
  g_autoptr(KioskUnsealer) self = g_new0 (KioskUnsealer, 1);

  self->format = format;
  if (format == KIOSK_SEAL_SECRETSTREAM)
    {
      if (crypto_secretstream_xchacha20poly1305_init_pull (&self->state, header, key) != 0)
        return NULL;
    }
  else
    {
      guint8 blob_key[KIOSK_SEAL_KEY_BYTES];
      gboolean ok;

      if (memcmp (header, MAGIC, MAGIC_BYTES) != 0)
        return NULL;
      derive_blob_key (key, header + MAGIC_BYTES, blob_key);
      self->ctx = EVP_CIPHER_CTX_new ();
      ok = self->ctx != NULL
           && EVP_DecryptInit_ex2 (self->ctx, EVP_chacha20_poly1305 (), blob_key, NULL, NULL) == 1;
      sodium_memzero (blob_key, sizeof blob_key);
      if (!ok)
        return NULL;
    }
  return g_steal_pointer (&self);
}

/**
 * kiosk_unsealer_pull:
 * @chunk: the next sealed chunk: kiosk_seal_chunk_size() bytes, fewer for the last one
 * @last: whether it ends the blob
 * @plain: where its KIOSK_SEAL_CHUNK bytes (at most) go
 *
 * Returns: %FALSE when the chunk was changed, moved, or is not where the blob ends (truncated)
 */
gboolean
kiosk_unsealer_pull (KioskUnsealer *self,
                     const guint8  *chunk,
                     gsize          chunk_size,
                     gboolean       last,
                     guint8        *plain,
                     gsize         *plain_size)
{
  if (self->done)
    return FALSE;
  if (self->format == KIOSK_SEAL_SECRETSTREAM)
    {
      unsigned long long length = 0;
      guint8 tag = 0;

      if (crypto_secretstream_xchacha20poly1305_pull (&self->state, plain, &length, &tag, chunk, chunk_size,
                                                      NULL, 0) != 0
          || (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) != !!last)
        return FALSE;
      *plain_size = length;
    }
  else
    {
      gsize length;
      guint8 nonce[NONCE_BYTES];
      guint8 aad = !!last;
      int written = 0, ignored = 0;

      if (chunk_size < TAG_BYTES || chunk_size > KIOSK_SEAL_CHUNK + TAG_BYTES)
        return FALSE;
      length = chunk_size - TAG_BYTES;
      make_nonce (self->index++, nonce);
      if (EVP_DecryptInit_ex2 (self->ctx, NULL, NULL, nonce, NULL) != 1
          || EVP_CIPHER_CTX_ctrl (self->ctx, EVP_CTRL_AEAD_SET_TAG, TAG_BYTES, (void *) (chunk + length)) != 1
          || EVP_DecryptUpdate (self->ctx, NULL, &ignored, &aad, 1) != 1
          || (length > 0 && EVP_DecryptUpdate (self->ctx, plain, &written, chunk, length) != 1)
          || EVP_DecryptFinal_ex (self->ctx, plain + written, &ignored) != 1)
        {
          sodium_memzero (plain, length);
          return FALSE;
        }
      *plain_size = length;
    }
  self->done = last;
  return TRUE;
}

void
kiosk_unsealer_free (KioskUnsealer *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->ctx, EVP_CIPHER_CTX_free);
  sodium_memzero (&self->state, sizeof self->state);
  g_free (self);
}

/**
 * kiosk_unseal:
 *
 * Returns: (transfer full) (nullable): the whole blob decrypted, or %NULL if it was changed,
 *   truncated, or sealed under another key
 */
GBytes *
kiosk_unseal (KioskSealFormat  format,
              const guint8    *key,
              const guint8    *data,
              gsize            size)
{
  gsize header = kiosk_seal_header_size (format);
  gsize chunk = kiosk_seal_chunk_size (format);
  g_autoptr(KioskUnsealer) unsealer = NULL;
  guint8 *out;
  gsize offset = header, filled = 0;

  if (data == NULL || size < header + (chunk - KIOSK_SEAL_CHUNK)
      || (unsealer = kiosk_unsealer_new (format, key, data)) == NULL)
    return NULL;
  out = g_malloc (MAX (1, kiosk_sealed_plain_size (format, size)));
  do
    {
      gsize length = MIN (chunk, size - offset);
      gsize plain = 0;

      if (!kiosk_unsealer_pull (unsealer, data + offset, length, offset + length == size, out + filled, &plain))
        {
          sodium_memzero (out, filled);
          g_free (out);
          return NULL;
        }
      offset += length;
      filled += plain;
    }
  while (offset < size);
  return g_bytes_new_take (out, filled);
}

/**
 * kiosk_random_uuid:
 *
 * A version-4 UUID from the system's CSPRNG (getrandom), for what must not be guessed, such as
 * an Idempotency-Key: g_uuid_string_random() draws from GLib's Mersenne Twister, whose next
 * outputs follow from the ones seen (and which g_random_set_seed() makes repeat).
 *
 * Returns: (transfer full): "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", lower case
 */
char *
kiosk_random_uuid (void)
{
  guint8 b[16];
  gsize got = 0;

  while (got < sizeof b)
    {
      gssize n = getrandom (b + got, sizeof b - got, 0);

      if (n < 0 && errno != EINTR)
        g_error ("getrandom: %s", g_strerror (errno));
      if (n > 0)
        got += n;
    }
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                          b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
                          b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}
