/* test-locale.c (suite unit): started as a bare systemd unit would start it — no LANG, no
 * LC_ALL, no LANGUAGE — the kiosk still speaks French, in UTF-8. */
#include "kiosk-application.h"

#include <glib/gi18n.h>
#include <langinfo.h>
#include <locale.h>

static void
test_bare_environment (void)
{
  const char *localedir = g_getenv ("KIOSK_LOCALEDIR");

  g_unsetenv ("LANG");
  g_unsetenv ("LC_ALL");
  g_unsetenv ("LC_MESSAGES");
  g_unsetenv ("LANGUAGE");
  kiosk_application_ensure_locale ();
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_assert_cmpstr (nl_langinfo (CODESET), ==, "UTF-8");
  g_assert_cmpstr (g_getenv ("LANGUAGE"), ==, "fr");
  g_assert_cmpstr (_("Start a procedure"), ==, "Commencer une démarche");
  g_assert_cmpstr (ngettext ("%u procedure available", "%u procedures available", 15), ==,
                   "%u démarches disponibles");

  /* The switch on the welcome page changes the language of every string looked up next. */
  kiosk_application_set_language ("en");
  g_assert_cmpstr (_("Start a procedure"), ==, "Start a procedure");
  kiosk_application_set_language ("fr");
  g_assert_cmpstr (_("Start a procedure"), ==, "Commencer une démarche");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/locale/bare-environment", test_bare_environment);
  return g_test_run ();
}
