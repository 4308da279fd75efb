/* kiosk-signature.c: HTTP Message Signatures (RFC 9421, hmac-sha256) and Content-Digest
 * (RFC 9530, sha-256), one implementation for the kiosk (to sign) and the reference portal (to
 * verify). Only what docs/portal-api.md uses is read: one signature, components without
 * parameters, integer and string parameters. */
#include "kiosk-signature.h"

#include <string.h>
#include <sys/random.h>

/* The header fields a kiosk's signature covers when the request carries them, in this order,
 * after "@method" and "@target-uri". content-digest and x-kiosk-id are always there. */
static const char *const covered_fields[] = {
  "content-digest", "idempotency-key", "x-kiosk-id", "authorization", "x-kiosk-journal-head",
  "x-tracking-code", "x-kiosk-agent-token",
};

/**
 * kiosk_content_digest_format:
 * @sha256: the body's SHA-256
 *
 * Returns: (transfer full): the Content-Digest field value, "sha-256=:BASE64:"
 */
char *
kiosk_content_digest_format (const guint8 sha256[32])
{
  g_autofree char *encoded = g_base64_encode (sha256, 32);

  return g_strdup_printf ("sha-256=:%s:", encoded);
}

/**
 * kiosk_content_digest_for_data:
 *
 * Returns: (transfer full): the Content-Digest field value of a body held in memory
 */
char *
kiosk_content_digest_for_data (const void *data,
                               gsize       size)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize length = sizeof digest;

  g_checksum_update (checksum, data, size);
  g_checksum_get_digest (checksum, digest, &length);
  return kiosk_content_digest_format (digest);
}

/**
 * kiosk_content_digest_parse:
 * @header: a Content-Digest field value (a dictionary: other algorithms are skipped)
 * @sha256: (out): its sha-256 member
 *
 * Returns: whether @header has a well-formed sha-256 member
 */
gboolean
kiosk_content_digest_parse (const char *header,
                            guint8      sha256[32])
{
  g_auto(GStrv) members = header ? g_strsplit (header, ",", -1) : NULL;

  for (guint i = 0; members != NULL && members[i] != NULL; i++)
    {
      const char *member = g_strstrip (members[i]);
      gsize length = strlen (member);
      g_autofree guint8 *decoded = NULL;
      g_autofree char *encoded = NULL;
      gsize decoded_length = 0;

      if (!g_str_has_prefix (member, "sha-256=:") || length < 10 || member[length - 1] != ':')
        continue;
      encoded = g_strndup (member + 9, length - 10);
      if (strspn (encoded, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
          != strlen (encoded))
        return FALSE;
      decoded = g_base64_decode (encoded, &decoded_length);
      if (decoded_length != 32)
        return FALSE;
      memcpy (sha256, decoded, 32);
      return TRUE;
    }
  return FALSE;
}

/**
 * kiosk_signature_base:
 * @names: component identifiers ("@method", "content-digest"…), %NULL-terminated
 * @values: their values, in the same order
 * @params: the signature parameters as serialized in Signature-Input (after "sig1=")
 *
 * Returns: (transfer full): the signature base of RFC 9421 §2.5
 */
char *
kiosk_signature_base (const char * const *names,
                      const char * const *values,
                      const char         *params)
{
  GString *base = g_string_new (NULL);

  for (guint i = 0; names[i] != NULL; i++)
    g_string_append_printf (base, "\"%s\": %s\n", names[i], values[i]);
  g_string_append_printf (base, "\"@signature-params\": %s", params);
  return g_string_free (base, FALSE);
}

/**
 * kiosk_signature_compute:
 *
 * Returns: (transfer full): HMAC-SHA256 (@key, @base)
 */
GBytes *
kiosk_signature_compute (GBytes     *key,
                         const char *base)
{
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, g_bytes_get_data (key, NULL), g_bytes_get_size (key));
  guint8 digest[32];
  gsize length = sizeof digest;

  g_hmac_update (hmac, (const guchar *) base, -1);
  g_hmac_get_digest (hmac, digest, &length);
  return g_bytes_new (digest, length);
}

/**
 * kiosk_signature_target_uri:
 * @url: an absolute URL
 *
 * Returns: (transfer full) (nullable): the "@target-uri" of a request to @url: scheme,
 *   authority, path and query as sent (percent-encoding kept), default port and fragment dropped
 */
char *
kiosk_signature_target_uri (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED | G_URI_FLAGS_SCHEME_NORMALIZE, NULL);

  if (uri == NULL)
    return NULL;
  return g_uri_to_string_partial (uri, G_URI_HIDE_USERINFO | G_URI_HIDE_FRAGMENT);
}

/* A structured-field string: quotes, with " and \ escaped. */
static void
append_sf_string (GString    *out,
                  const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (out, '\\');
      if ((guchar) *p >= 0x20 && (guchar) *p < 0x7f)
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

/* Header values may hold a token (Authorization): wiped before they are freed. */
static void
free_wiped (gpointer data)
{
  if (data != NULL)
    explicit_bzero (data, strlen (data));
  g_free (data);
}

/* The value of the header line "Name: value" in @lines whose name is @field (any case). */
static char *
find_line (const char * const *lines,
           const char         *field)
{
  gsize length = strlen (field);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_ascii_strncasecmp (lines[i], field, length) == 0 && lines[i][length] == ':')
      return g_strstrip (g_strdup (lines[i] + length + 1));
  return NULL;
}

/**
 * kiosk_signature_sign:
 * @key: the kiosk's secret
 * @keyid: the kiosk's id (also sent as X-Kiosk-Id)
 * @method: "GET", "POST"…
 * @url: the request's URL
 * @lines: the request's header lines ("Name: value"), with Content-Digest and X-Kiosk-Id
 * @created: Unix seconds
 * @nonce: (nullable): a unique value; %NULL draws 128 random bits
 *
 * Signs the request as docs/portal-api.md describes: "@method", "@target-uri" and each of
 * content-digest, idempotency-key, x-kiosk-id, authorization, x-kiosk-journal-head,
 * x-tracking-code and x-kiosk-agent-token that @lines carry.
 *
 * Returns: (transfer full) (nullable): the "Signature-Input: …" and "Signature: …" lines to add,
 *   or %NULL when the URL cannot be parsed or a random nonce cannot be drawn
 */
char **
kiosk_signature_sign (GBytes             *key,
                      const char         *keyid,
                      const char         *method,
                      const char         *url,
                      const char * const *lines,
                      gint64              created,
                      const char         *nonce)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (free_wiped);
  g_autoptr(GString) params = g_string_new ("(");
  g_autofree char *random_nonce = NULL;
  g_autofree char *base = NULL;
  g_autoptr(GBytes) mac = NULL;
  g_autofree char *encoded = NULL;
  char *target = kiosk_signature_target_uri (url);
  char **result;

  if (target == NULL)
    return NULL;
  if (nonce == NULL)
    {
      guint8 bytes[16];

      if (getrandom (bytes, sizeof bytes, 0) != sizeof bytes)
        {
          g_free (target);
          return NULL;
        }
      random_nonce = g_base64_encode (bytes, sizeof bytes);
      nonce = random_nonce;
    }
  g_ptr_array_add (names, (gpointer) "@method");
  g_ptr_array_add (values, g_strdup (method));
  g_ptr_array_add (names, (gpointer) "@target-uri");
  g_ptr_array_add (values, target);
  for (guint i = 0; i < G_N_ELEMENTS (covered_fields); i++)
    {
      char *value = find_line (lines, covered_fields[i]);

      if (value == NULL)
        continue;
      g_ptr_array_add (names, (gpointer) covered_fields[i]);
      g_ptr_array_add (values, value);
    }
  for (guint i = 0; i < names->len; i++)
    {
      if (i > 0)
        g_string_append_c (params, ' ');
      append_sf_string (params, g_ptr_array_index (names, i));
    }
  g_string_append_printf (params, ");created=%" G_GINT64_FORMAT ";keyid=", created);
  append_sf_string (params, keyid);
  g_string_append (params, ";nonce=");
  append_sf_string (params, nonce);
  g_string_append (params, ";alg=\"" KIOSK_SIGNATURE_ALG "\"");
  g_ptr_array_add (names, NULL);
  g_ptr_array_add (values, NULL);

  base = kiosk_signature_base ((const char * const *) names->pdata, (const char * const *) values->pdata,
                               params->str);
  mac = kiosk_signature_compute (key, base);
  explicit_bzero (base, strlen (base));
  encoded = g_base64_encode (g_bytes_get_data (mac, NULL), g_bytes_get_size (mac));
  result = g_new0 (char *, 3);
  result[0] = g_strdup_printf ("Signature-Input: " KIOSK_SIGNATURE_LABEL "=%s", params->str);
  result[1] = g_strdup_printf ("Signature: " KIOSK_SIGNATURE_LABEL "=:%s:", encoded);
  return result;
}

/* Parsing (the verifier's side) */

static void
skip_spaces (const char **p)
{
  while (**p == ' ' || **p == '\t')
    (*p)++;
}

/* A structured-field string at *p; %NULL when malformed. */
static char *
parse_sf_string (const char **p)
{
  GString *out;

  if (**p != '"')
    return NULL;
  out = g_string_new (NULL);
  for ((*p)++; **p != '"'; (*p)++)
    {
      if (**p == '\\' && ((*p)[1] == '"' || (*p)[1] == '\\'))
        (*p)++;
      else if ((guchar) **p < 0x20 || (guchar) **p >= 0x7f || **p == '\\')
        {
          g_string_free (out, TRUE);
          return NULL;
        }
      g_string_append_c (out, **p);
    }
  (*p)++;
  return g_string_free (out, FALSE);
}

/* A key: lowercase letter or *, then lowercase letters, digits, _ - . * */
static char *
parse_key (const char **p)
{
  const char *start = *p;

  if (!g_ascii_islower (**p) && **p != '*')
    return NULL;
  while (**p != '\0' && (g_ascii_islower (**p) || g_ascii_isdigit (**p) || strchr ("_-.*", **p) != NULL))
    (*p)++;
  return g_strndup (start, *p - start);
}

void
kiosk_signature_input_free (KioskSignatureInput *input)
{
  if (input == NULL)
    return;
  g_free (input->label);
  g_clear_pointer (&input->components, g_ptr_array_unref);
  g_free (input->params);
  g_free (input->keyid);
  g_free (input->nonce);
  g_free (input->alg);
  g_free (input);
}

/**
 * kiosk_signature_input_parse:
 * @header: a Signature-Input field value with one signature
 *
 * Returns: (transfer full) (nullable): its label, components and parameters, or %NULL when it
 *   is malformed, has several signatures, a component with parameters, or a parameter twice
 */
KioskSignatureInput *
kiosk_signature_input_parse (const char *header)
{
  g_autoptr(KioskSignatureInput) input = g_new0 (KioskSignatureInput, 1);
  const char *p = header;
  const char *params_start;

  if (header == NULL)
    return NULL;
  input->components = g_ptr_array_new_with_free_func (g_free);
  skip_spaces (&p);
  if ((input->label = parse_key (&p)) == NULL || *p != '=')
    return NULL;
  params_start = ++p;
  if (*p++ != '(')
    return NULL;
  for (;;)
    {
      char *name;

      skip_spaces (&p);
      if (*p == ')')
        break;
      if ((name = parse_sf_string (&p)) == NULL || *name == '\0')
        {
          g_free (name);
          return NULL;
        }
      g_ptr_array_add (input->components, name);
      if (*p != ' ' && *p != ')')
        return NULL;
    }
  p++;
  while (*p == ';')
    {
      g_autofree char *key = NULL;

      p++;
      if ((key = parse_key (&p)) == NULL || *p++ != '=')
        return NULL;
      if (strcmp (key, "created") == 0 && input->created == 0 && g_ascii_isdigit (*p))
        {
          char *end = NULL;

          input->created = g_ascii_strtoll (p, &end, 10);
          if (end - p > 15)
            return NULL;
          p = end;
        }
      else if (strcmp (key, "keyid") == 0 && input->keyid == NULL)
        input->keyid = parse_sf_string (&p);
      else if (strcmp (key, "nonce") == 0 && input->nonce == NULL)
        input->nonce = parse_sf_string (&p);
      else if (strcmp (key, "alg") == 0 && input->alg == NULL)
        input->alg = parse_sf_string (&p);
      else
        return NULL;
      if ((strcmp (key, "keyid") == 0 && input->keyid == NULL)
          || (strcmp (key, "nonce") == 0 && input->nonce == NULL)
          || (strcmp (key, "alg") == 0 && input->alg == NULL))
        return NULL;
    }
  input->params = g_strndup (params_start, p - params_start);
  skip_spaces (&p);
  if (*p != '\0')
    return NULL;
  return g_steal_pointer (&input);
}

/**
 * kiosk_signature_parse:
 * @header: a Signature field value
 * @label: the one signature expected
 *
 * Returns: (transfer full) (nullable): the signature's bytes, or %NULL when @header is not
 *   `label=:BASE64:`
 */
GBytes *
kiosk_signature_parse (const char *header,
                       const char *label)
{
  g_autofree char *prefix = g_strdup_printf ("%s=:", label);
  g_autofree char *encoded = NULL;
  g_autofree char *text = NULL;
  guint8 *decoded;
  gsize length = 0;

  if (header == NULL)
    return NULL;
  text = g_strstrip (g_strdup (header));
  if (!g_str_has_prefix (text, prefix) || !g_str_has_suffix (text, ":") || strlen (text) <= strlen (prefix))
    return NULL;
  encoded = g_strndup (text + strlen (prefix), strlen (text) - strlen (prefix) - 1);
  if (strspn (encoded, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") != strlen (encoded))
    return NULL;
  decoded = g_base64_decode (encoded, &length);
  return g_bytes_new_take (decoded, length);
}

/**
 * kiosk_signature_equal:
 *
 * Returns: whether @a and @b hold the same bytes, compared in a time that does not depend on
 *   where they differ
 */
gboolean
kiosk_signature_equal (GBytes *a,
                       GBytes *b)
{
  gsize length_a, length_b;
  const guint8 *x = g_bytes_get_data (a, &length_a);
  const guint8 *y = g_bytes_get_data (b, &length_b);
  guint8 diff = 0;

  if (length_a != length_b)
    return FALSE;
  for (gsize i = 0; i < length_a; i++)
    diff |= x[i] ^ y[i];
  return diff == 0;
}
