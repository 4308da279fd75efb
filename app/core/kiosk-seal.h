/* kiosk-seal.h: how the outbox encrypts what it keeps on disk, one blob at a time, in chunks of
 * 64 KiB, so that a document can be decrypted as it is sent.
 *
 * Format 2 (written): "KOB2" and a 16-byte random salt, then the chunks, each (at most 64 KiB)
 * followed by its 16-byte tag: ChaCha20-Poly1305 (RFC 8439, through OpenSSL) under a key of the
 * blob's own, keyed BLAKE2b (entry key, salt); the nonce is the chunk's number, the associated
 * data says whether it is the last — so that chunks cannot be reordered, moved between blobs, or
 * dropped at the end unnoticed.
 * Format 1 (read only, outboxes written before): libsodium's secretstream
 * (XChaCha20-Poly1305), 64 KiB chunks. Format 2 does the same job three times faster here
 * (OpenSSL's vectorised ChaCha20 and Poly1305), which the upload of a large dossier feels. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define KIOSK_SEAL_KEY_BYTES 32
#define KIOSK_SEAL_CHUNK     65536

typedef enum
{
  KIOSK_SEAL_SECRETSTREAM = 1,
  KIOSK_SEAL_CHACHA20_CHUNKS = 2,
} KioskSealFormat;

GBytes   *kiosk_seal               (const guint8    *key,
                                    const void      *data,
                                    gsize            size);
GBytes   *kiosk_unseal             (KioskSealFormat  format,
                                    const guint8    *key,
                                    const guint8    *data,
                                    gsize            size);
gsize     kiosk_seal_header_size   (KioskSealFormat  format);
gsize     kiosk_seal_chunk_size    (KioskSealFormat  format);
gsize     kiosk_sealed_plain_size  (KioskSealFormat  format,
                                    gsize            sealed_size);

/* Decrypts a blob chunk by chunk, in order. */
typedef struct _KioskUnsealer KioskUnsealer;

KioskUnsealer *kiosk_unsealer_new  (KioskSealFormat  format,
                                    const guint8    *key,
                                    const guint8    *header);
gboolean       kiosk_unsealer_pull (KioskUnsealer   *self,
                                    const guint8    *chunk,
                                    gsize            chunk_size,
                                    gboolean         last,
                                    guint8          *plain,
                                    gsize           *plain_size);
void           kiosk_unsealer_free (KioskUnsealer   *self);

char          *kiosk_random_uuid   (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KioskUnsealer, kiosk_unsealer_free)

G_END_DECLS
