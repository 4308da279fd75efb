/* kiosk-signature.h: HTTP Message Signatures (RFC 9421) with Content-Digest (RFC 9530) for the
 * requests a kiosk sends to the portal (docs/portal-api.md, "Signed requests"). One
 * implementation: the kiosk signs with it, the reference portal verifies with it. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How far `created` may be from the verifier's clock, in seconds; the portal keeps each nonce
 * this long after its `created`. */
#define KIOSK_SIGNATURE_WINDOW 300
#define KIOSK_SIGNATURE_LABEL "sig1"
#define KIOSK_SIGNATURE_ALG "hmac-sha256"

typedef struct
{
  char       *label;
  GPtrArray  *components;   /* of char *: "@method", "content-digest"… in order */
  char       *params;       /* the inner list with its parameters, as sent */
  gint64      created;      /* 0 when absent */
  char       *keyid;
  char       *nonce;
  char       *alg;
} KioskSignatureInput;

char                *kiosk_content_digest_format   (const guint8 sha256[32]);
char                *kiosk_content_digest_for_data (const void   *data,
                                                    gsize         size);
gboolean             kiosk_content_digest_parse    (const char   *header,
                                                    guint8        sha256[32]);

char                *kiosk_signature_base          (const char * const *names,
                                                    const char * const *values,
                                                    const char   *params);
GBytes              *kiosk_signature_compute       (GBytes       *key,
                                                    const char   *base);
char                *kiosk_signature_target_uri    (const char   *url);
char               **kiosk_signature_sign          (GBytes       *key,
                                                    const char   *keyid,
                                                    const char   *method,
                                                    const char   *url,
                                                    const char * const *lines,
                                                    gint64        created,
                                                    const char   *nonce);

KioskSignatureInput *kiosk_signature_input_parse   (const char   *header);
void                 kiosk_signature_input_free    (KioskSignatureInput *input);
GBytes              *kiosk_signature_parse         (const char   *header,
                                                    const char   *label);
gboolean             kiosk_signature_equal         (GBytes       *a,
                                                    GBytes       *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KioskSignatureInput, kiosk_signature_input_free)

G_END_DECLS
