#define _GNU_SOURCE
/* test-account-oidc.c: signing in with an OpenID Connect provider found by discovery (suite
 * `account`), against a real, independently written provider: panva's oidc-provider from npm
 * (tests/oidc/provider.mjs), installed with `npm ci` into the build folder and started here on
 * loopback. The citizen's approval on their phone is tests/oidc/approve.sh driving the
 * provider's own HTML pages with curl. Covered: the whole sign-in in the window ("Is this you?"
 * included), a form pre-filled from the standard claims, the portal's account endpoints taking
 * the provider's token, the sign-out revoking it at the provider; ID tokens tampered with, for
 * another client or another issuer, refused. */
#include "kiosk-test-util.h"

#include "kiosk-oidc.h"
#include "kiosk-sign-in-page.h"

#include "kiosk-json.h"

#include <curl/curl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

static KioskTestPortal *portal;
static GSubprocess *provider;
static char *issuer;
static char *skip_reason;

/* A crashed test must not leave its provider running. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* Installs oidc-provider (cached in the build folder: npm ci runs again only when the lock
 * changes) and starts tests/oidc/provider.mjs; sets the issuer. */
static void
start_provider (void)
{
  const char *source_dir = g_getenv ("KIOSK_SOURCE_DIR");
  const char *build_dir = g_getenv ("KIOSK_TEST_BUILD_DIR");
  g_autofree char *npm = g_find_program_in_path ("npm");
  g_autofree char *node = g_find_program_in_path ("node");
  g_autofree char *dir = g_build_filename (build_dir ? build_dir : ".", "oidc-provider", NULL);
  g_autofree char *stamp = g_build_filename (dir, "node_modules", "kiosk-installed.lock", NULL);
  g_autofree char *port_file = g_build_filename (dir, "issuer", NULL);
  g_autofree char *lock = NULL;
  g_autofree char *installed = NULL;
  g_autoptr(GError) error = NULL;
  const char *files[] = { "package.json", "package-lock.json", "provider.mjs" };

  if (npm == NULL || node == NULL)
    {
      skip_reason = g_strdup ("npm and Node.js are needed to install and run the OpenID provider "
                              "(oidc-provider from npm); install the Debian packages npm and nodejs");
      return;
    }
  g_mkdir_with_parents (dir, 0755);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *from = g_build_filename (source_dir, "tests", "oidc", files[i], NULL);
      g_autofree char *to = g_build_filename (dir, files[i], NULL);
      g_autofree char *contents = NULL;
      gsize length;

      g_assert_true (g_file_get_contents (from, &contents, &length, NULL));
      g_assert_true (g_file_set_contents (to, contents, length, NULL));
      if (g_str_equal (files[i], "package-lock.json"))
        lock = g_steal_pointer (&contents);
    }
  if (!g_file_get_contents (stamp, &installed, NULL, NULL) || g_strcmp0 (installed, lock) != 0)
    {
      g_autofree char *cache = g_build_filename (dir, "npm-cache", NULL);
      const char *argv[] = { npm, "ci", "--no-audit", "--no-fund", "--cache", cache, NULL };
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      int wait_status = 0;

      /* npm's output would break the TAP stream: it goes to the log as comments. */
      g_test_message ("Installing oidc-provider with npm ci in %s", dir);
      g_assert_true (g_spawn_sync (dir, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                                   &wait_status, &error));
      g_assert_no_error (error);
      g_test_message ("npm ci: %s%s", out, err);
      if (!g_spawn_check_wait_status (wait_status, NULL))
        g_error ("npm ci failed in %s: the OpenID provider cannot be installed", dir);
      g_assert_true (g_file_set_contents (stamp, lock, -1, NULL));
    }
  g_unlink (port_file);
  {
    g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
    g_autofree char *script = g_build_filename (dir, "provider.mjs", NULL);

    g_subprocess_launcher_set_cwd (launcher, dir);
    g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
    provider = g_subprocess_launcher_spawn (launcher, &error, node, script, port_file, NULL);
    g_assert_no_error (error);
  }
  for (guint i = 0; i < 600 && !g_file_get_contents (port_file, &issuer, NULL, NULL); i++)
    g_usleep (100 * 1000);
  g_assert_nonnull (issuer);
  g_strstrip (issuer);
}

static char *
http (const char  *method,
      const char  *url,
      const char  *form,
      const char  *bearer,
      long        *status)
{
  CURL *curl = curl_easy_init ();
  g_autofree char *authorization = bearer ? g_strdup_printf ("Authorization: Bearer %s", bearer) : NULL;
  struct curl_slist *headers = authorization ? curl_slist_append (NULL, authorization) : NULL;
  FILE *sink;
  char *body = NULL;
  size_t size = 0;

  sink = open_memstream (&body, &size);
  curl_easy_setopt (curl, CURLOPT_URL, url);
  curl_easy_setopt (curl, CURLOPT_CUSTOMREQUEST, method);
  curl_easy_setopt (curl, CURLOPT_WRITEDATA, sink);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, 20L);
  curl_easy_setopt (curl, CURLOPT_HTTPHEADER, headers);
  if (form != NULL)
    curl_easy_setopt (curl, CURLOPT_POSTFIELDS, form);
  g_assert_cmpint (curl_easy_perform (curl), ==, CURLE_OK);
  curl_easy_getinfo (curl, CURLINFO_RESPONSE_CODE, status);
  curl_easy_cleanup (curl);
  curl_slist_free_all (headers);
  fclose (sink);
  return body;
}

static JsonObject *
http_json (const char *method,
           const char *url,
           const char *form,
           const char *bearer,
           long        expected)
{
  long status = 0;
  g_autofree char *body = http (method, url, form, bearer, &status);

  g_assert_cmpint (status, ==, expected);
  return kiosk_json_parse_object (body, -1, NULL);
}

/* The provider's discovery document. */
static JsonObject *
discover (void)
{
  g_autofree char *url = g_strconcat (issuer, "/.well-known/openid-configuration", NULL);

  return http_json ("GET", url, NULL, NULL, 200);
}

/* What the citizen does on their phone, with the provider's pages. */
static void
approve_on_phone (const char *verification_uri,
                  const char *user_code)
{
  g_autofree char *script = g_build_filename (g_getenv ("KIOSK_SOURCE_DIR"), "tests", "oidc", "approve.sh", NULL);
  const char *argv[] = { script, verification_uri, user_code, "marie.wamytan", NULL };
  g_autoptr(GError) error = NULL;
  int wait_status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL,
                               &wait_status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (wait_status, NULL));
}

/* The provider's own view of a token: its userinfo answers 200 while it is valid. */
static long
userinfo_status (const char *token)
{
  g_autoptr(JsonObject) document = discover ();
  long status = 0;
  g_autofree char *body = http ("GET", kiosk_json_get_string (document, "userinfo_endpoint"), NULL, token, &status);

  return status;
}

static long
portal_status (const char *path,
               const char *token)
{
  g_autofree char *url = g_strconcat (portal->url, path, NULL);
  long status = 0;
  g_autofree char *body = http ("GET", url, NULL, token, &status);

  return status;
}

static gboolean
state_is_cb (gpointer data)
{
  gpointer *pair = data;

  return (int) kiosk_sign_in_get_state (pair[0]) == GPOINTER_TO_INT (pair[1]);
}

static void
wait_state (KioskSignIn      *sign_in,
            KioskSignInState  state)
{
  gpointer pair[2] = { sign_in, GINT_TO_POINTER (state) };

  if (!kiosk_test_wait (state_is_cb, pair, 60000))
    g_error ("Sign-in did not reach state %d (it is %d)", state, kiosk_sign_in_get_state (sign_in));
}

static gboolean
signed_in_cb (gpointer data)
{
  return kiosk_session_get_account (kiosk_context_get_session (data)) != NULL;
}

static KioskPortal *
new_client (const char *client_id)
{
  g_autoptr(GError) error = NULL;
  KioskPortal *client = kiosk_portal_new (portal->url, "epn-test", &error);

  g_assert_no_error (error);
  kiosk_portal_set_account_issuer (client, issuer, client_id);
  return client;
}

/* In the window: the code and address the provider gives, approved on the provider's pages;
 * "Is this you?" with the provider's name; the form pre-filled from the standard claims; "My
 * requests" and grants at the portal with the provider's token; the end of the session revokes
 * it at the provider. */
static void
test_sign_in_prefill_sign_out (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("kiosk-oidc-XXXXXX", NULL);
  g_autoptr(KioskContext) context = NULL;
  g_autoptr(JsonObject) document = NULL;
  g_autofree char *token = NULL;
  KioskSignIn *sign_in;
  KioskWindow *window;
  KioskDossier *dossier;
  const char *code;

  if (skip_reason != NULL)
    {
      g_test_skip (skip_reason);
      return;
    }
  document = discover ();
  context = kiosk_test_context_new (portal->url, data_dir);
  kiosk_portal_set_account_issuer (kiosk_context_get_portal (context), issuer, "kiosk");
  window = kiosk_window_new (NULL, context);
  gtk_window_present (GTK_WINDOW (window));
  kiosk_test_wait_for_page (window, "welcome");
  kiosk_test_click (window, "welcome-sign-in");
  kiosk_test_wait_for_page (window, "sign-in");
  sign_in = kiosk_sign_in_page_get_sign_in (KIOSK_SIGN_IN_PAGE (kiosk_window_get_page (window, "sign-in")));
  wait_state (sign_in, KIOSK_SIGN_IN_WAITING);
  /* The provider's device flow, found by discovery, not the portal's. */
  g_assert_true (g_str_has_prefix (kiosk_sign_in_get_verification_uri (sign_in), issuer));
  code = kiosk_test_label (window, "sign-in-code");
  g_assert_cmpstr (code, ==, kiosk_sign_in_get_user_code (sign_in));
  approve_on_phone (kiosk_sign_in_get_verification_uri (sign_in), code);

  kiosk_test_wait_clickable (window, "sign-in-confirm");
  g_assert_cmpstr (kiosk_test_label (window, "sign-in-title"), ==, "Is this you?");
  g_assert_nonnull (strstr (kiosk_test_label (window, "sign-in-status"), "Marie Wamytan"));
  g_assert_null (kiosk_session_get_account (kiosk_context_get_session (context)));
  kiosk_test_click (window, "sign-in-confirm");
  g_assert_true (kiosk_test_wait (signed_in_cb, context, 10000));
  {
    const KioskAccount *account = kiosk_session_get_account (kiosk_context_get_session (context));

    token = g_strdup (account->token);
    g_assert_cmpstr (account->id, ==, "marie.wamytan");
    g_assert_cmpstr (account->revocation_endpoint, ==, kiosk_json_get_string (document, "revocation_endpoint"));
  }
  g_assert_cmpint (userinfo_status (token), ==, 200);
  /* The portal's own account endpoints take the provider's token. */
  g_assert_cmpint (portal_status ("api/account/dossiers", token), ==, 200);
  {
    g_autoptr(JsonObject) me = NULL;
    g_autofree char *url = g_strconcat (portal->url, "api/account/me", NULL);
    g_autoptr(JsonObject) answer = http_json ("GET", url, NULL, token, 200);

    me = json_object_ref (kiosk_json_get_object (answer, "data"));
    g_assert_cmpstr (kiosk_json_get_string (me, "id"), ==, "marie.wamytan");
    g_assert_cmpstr (kiosk_json_get_string (me, "last_name"), ==, "Wamytan");
  }
  g_assert_cmpint (portal_status ("api/account/dossiers", "not-a-token"), ==, 401);

  /* The form knows the citizen, from the standard claims. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-procedure", "s", "permis-chasse");
  kiosk_test_wait_for_page (window, "procedure");
  kiosk_test_click (window, "start-dossier-button");
  kiosk_test_wait_for_page (window, "form");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (kiosk_test_find (window, "field-last_name"))), ==, "Wamytan");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (kiosk_test_find (window, "field-first_name"))), ==, "Marie");
  dossier = kiosk_session_get_dossier (kiosk_context_get_session (context));
  g_assert_cmpstr (kiosk_dossier_get_answer (dossier, "birth_date"), ==, "14/03/1987");
  g_assert_cmpstr (kiosk_dossier_get_answer (dossier, "email"), ==, "marie.wamytan@example.nc");
  g_assert_cmpstr (kiosk_dossier_get_answer (dossier, "phone"), ==, "+687 77 12 34");
  g_assert_cmpstr (kiosk_dossier_get_answer (dossier, "address"), ==, "12 rue Jules Ferry, 98800 Nouméa");

  /* A grant for this dossier, asked with the provider's token. */
  {
    g_autofree char *url = g_strconcat (portal->url, "api/account/grants", NULL);
    g_autofree char *body = g_strdup_printf ("{\"idempotency_key\": \"%s\"}", kiosk_dossier_get_idempotency_key (dossier));
    g_autoptr(JsonObject) answer = http_json ("POST", url, body, token, 201);

    g_assert_nonnull (kiosk_json_get_string (kiosk_json_get_object (answer, "data"), "grant"));
  }

  /* The citizen leaves: the provider sees the token revoked, and so does the portal. */
  kiosk_test_finish_session (window);
  g_assert_null (kiosk_session_get_account (kiosk_context_get_session (context)));
  for (guint i = 0; i < 100 && userinfo_status (token) == 200; i++)
    kiosk_test_spin (50);
  g_assert_cmpint (userinfo_status (token), ==, 401);
  g_assert_cmpint (portal_status ("api/account/dossiers", token), ==, 401);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ES256 ID tokens too (client kiosk-es256), without the window; "this is not me" revokes. */
static void
test_es256_and_not_me (void)
{
  g_autoptr(KioskPortal) client = NULL;
  g_autoptr(KioskSignIn) sign_in = NULL;
  g_autofree char *token = NULL;
  const KioskAccount *account;

  if (skip_reason != NULL)
    {
      g_test_skip (skip_reason);
      return;
    }
  client = new_client ("kiosk-es256");
  sign_in = kiosk_sign_in_new (client);
  kiosk_sign_in_start (sign_in);
  wait_state (sign_in, KIOSK_SIGN_IN_WAITING);
  approve_on_phone (kiosk_sign_in_get_verification_uri (sign_in), kiosk_sign_in_get_user_code (sign_in));
  wait_state (sign_in, KIOSK_SIGN_IN_APPROVED);
  account = kiosk_sign_in_peek_account (sign_in);
  g_assert_cmpstr (account->first_name, ==, "Marie");
  g_assert_cmpstr (account->client_id, ==, "kiosk-es256");
  token = g_strdup (account->token);
  g_assert_cmpint (userinfo_status (token), ==, 200);
  kiosk_sign_in_cancel (sign_in);
  for (guint i = 0; i < 100 && userinfo_status (token) == 200; i++)
    kiosk_test_spin (50);
  g_assert_cmpint (userinfo_status (token), ==, 401);
}

/* A provider whose discovery document names another issuer is not used. */
static void
test_wrong_issuer_refused (void)
{
  g_autoptr(KioskPortal) client = NULL;
  g_autoptr(KioskSignIn) sign_in = NULL;
  g_autofree char *other = NULL;

  if (skip_reason != NULL)
    {
      g_test_skip (skip_reason);
      return;
    }
  other = g_strconcat (issuer, "/", NULL);
  client = new_client ("kiosk");
  kiosk_portal_set_account_issuer (client, other, "kiosk");
  sign_in = kiosk_sign_in_new (client);
  kiosk_sign_in_start (sign_in);
  wait_state (sign_in, KIOSK_SIGN_IN_FAILED);
  g_assert_null (kiosk_sign_in_get_user_code (sign_in));
}

static char *
replace_part (const char *jws,
              guint       index,
              const char *json)
{
  g_auto(GStrv) parts = g_strsplit (jws, ".", 3);
  g_autofree char *encoded = g_base64_encode ((const guchar *) json, strlen (json));

  g_strdelimit (encoded, "+", '-');
  g_strdelimit (encoded, "/", '_');
  g_strdelimit (encoded, "=", '\0');
  g_free (parts[index]);
  parts[index] = g_strdup (encoded);
  return g_strjoinv (".", parts);
}

static char *
decode_part (const char *jws,
             guint       index)
{
  g_auto(GStrv) parts = g_strsplit (jws, ".", 3);
  g_autoptr(GString) text = g_string_new (parts[index]);
  gsize size;

  g_strdelimit (text->str, "-", '+');
  g_strdelimit (text->str, "_", '/');
  while (text->len % 4 != 0)
    g_string_append_c (text, '=');
  g_autofree guchar *data = g_base64_decode (text->str, &size);

  return g_strndup ((const char *) data, size);
}

/* The provider's real ID token verifies; the same token with its claims changed (the subject,
 * the audience), signed by nobody, from another issuer, for another client or expired is
 * refused. */
static void
test_id_token_checks (void)
{
  g_autoptr(JsonObject) document = NULL;
  g_autoptr(JsonObject) code = NULL;
  g_autoptr(JsonObject) tokens = NULL;
  g_autoptr(JsonObject) jwks = NULL;
  g_autoptr(JsonObject) claims = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *form = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *header = NULL;
  const char *id_token;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  struct { const char *from, *to; int code; } tampered[] = {
    { "\"sub\":\"marie.wamytan\"", "\"sub\":\"paul.nea\"", KIOSK_OIDC_ERROR_SIGNATURE },
    { "\"aud\":\"kiosk\"", "\"aud\":\"kiosk\",\"x\":1", KIOSK_OIDC_ERROR_SIGNATURE },
  };

  if (skip_reason != NULL)
    {
      g_test_skip (skip_reason);
      return;
    }
  document = discover ();
  code = http_json ("POST", kiosk_json_get_string (document, "device_authorization_endpoint"),
                    "client_id=kiosk&scope=openid%20profile", NULL, 200);
  approve_on_phone (kiosk_json_get_string (code, "verification_uri"), kiosk_json_get_string (code, "user_code"));
  form = g_strdup_printf ("grant_type=urn%%3Aietf%%3Aparams%%3Aoauth%%3Agrant-type%%3Adevice_code"
                          "&client_id=kiosk&device_code=%s", kiosk_json_get_string (code, "device_code"));
  tokens = http_json ("POST", kiosk_json_get_string (document, "token_endpoint"), form, NULL, 200);
  id_token = kiosk_json_get_string (tokens, "id_token");
  g_assert_nonnull (id_token);
  jwks = http_json ("GET", kiosk_json_get_string (document, "jwks_uri"), NULL, NULL, 200);

  claims = kiosk_oidc_verify_id_token (jwks, id_token, issuer, "kiosk", now, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kiosk_json_get_string (claims, "sub"), ==, "marie.wamytan");

  /* Another client, another issuer, later than its expiry. */
  g_assert_null (kiosk_oidc_verify_id_token (jwks, id_token, issuer, "another-kiosk", now, &error));
  g_assert_error (error, KIOSK_OIDC_ERROR, KIOSK_OIDC_ERROR_AUDIENCE);
  g_clear_error (&error);
  g_assert_null (kiosk_oidc_verify_id_token (jwks, id_token, "https://elsewhere.example.nc", "kiosk", now, &error));
  g_assert_error (error, KIOSK_OIDC_ERROR, KIOSK_OIDC_ERROR_ISSUER);
  g_clear_error (&error);
  g_assert_null (kiosk_oidc_verify_id_token (jwks, id_token, issuer, "kiosk", now + 24 * 3600, &error));
  g_assert_error (error, KIOSK_OIDC_ERROR, KIOSK_OIDC_ERROR_EXPIRED);
  g_clear_error (&error);

  /* Claims changed after signing. */
  payload = decode_part (id_token, 1);
  for (guint i = 0; i < G_N_ELEMENTS (tampered); i++)
    {
      g_autoptr(GString) changed = g_string_new (payload);
      g_autofree char *forged = NULL;

      g_assert_nonnull (strstr (payload, tampered[i].from));
      g_string_replace (changed, tampered[i].from, tampered[i].to, 1);
      forged = replace_part (id_token, 1, changed->str);
      g_assert_null (kiosk_oidc_verify_id_token (jwks, forged, issuer, "kiosk", now, &error));
      g_assert_error (error, KIOSK_OIDC_ERROR, tampered[i].code);
      g_clear_error (&error);
    }
  /* "alg": "none", and a signature cut short. */
  header = decode_part (id_token, 0);
  {
    g_autoptr(GString) none = g_string_new (header);
    g_autofree char *forged = NULL;
    g_autofree char *cut = g_strndup (id_token, strlen (id_token) - 4);

    g_string_replace (none, "RS256", "none", 1);
    forged = replace_part (id_token, 0, none->str);
    g_assert_null (kiosk_oidc_verify_id_token (jwks, forged, issuer, "kiosk", now, &error));
    g_assert_error (error, KIOSK_OIDC_ERROR, KIOSK_OIDC_ERROR_ALGORITHM);
    g_clear_error (&error);
    g_assert_null (kiosk_oidc_verify_id_token (jwks, cut, issuer, "kiosk", now, &error));
    g_assert_error (error, KIOSK_OIDC_ERROR, KIOSK_OIDC_ERROR_SIGNATURE);
    g_clear_error (&error);
  }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  kiosk_test_setup_locale ("en");
  gtk_test_init (&argc, &argv, NULL);
  start_provider ();
  if (skip_reason == NULL)
    {
      const char *extra[] = { "--device-interval", "1", "--account-issuer", issuer, NULL };

      portal = kiosk_test_portal_start_with (extra);
    }
  g_test_add_func ("/account/oidc/sign-in-prefill-sign-out", test_sign_in_prefill_sign_out);
  g_test_add_func ("/account/oidc/es256-and-not-me", test_es256_and_not_me);
  g_test_add_func ("/account/oidc/wrong-issuer-refused", test_wrong_issuer_refused);
  g_test_add_func ("/account/oidc/id-token-checks", test_id_token_checks);
  status = g_test_run ();
  if (portal != NULL)
    kiosk_test_portal_stop (portal);
  if (provider != NULL)
    g_subprocess_force_exit (provider);
  return status;
}
