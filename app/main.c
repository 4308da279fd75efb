/* main.c: process hardening, locale and gettext set-up, then the application. */
#include "kiosk-application.h"
#include "kiosk-document.h"
#include "kiosk-hardening.h"

#include <glib/gi18n.h>
#include <locale.h>

int
main (int   argc,
      char *argv[])
{
  g_autoptr(KioskApplication) app = NULL;
  const char *localedir = g_getenv ("KIOSK_LOCALEDIR");

  kiosk_hardening_apply ();
  kiosk_memory_init ();

  /* A kiosk must not open GTK's inspector, whatever the environment asks. */
  for (int i = 1; i < argc; i++)
    if (g_str_equal (argv[i], "--kiosk"))
      {
        g_unsetenv ("GTK_DEBUG");
        g_setenv ("GTK_INSPECTOR_DISABLED", "1", TRUE);
      }

  kiosk_application_ensure_locale ();
  bindtextdomain (GETTEXT_PACKAGE, localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = kiosk_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
