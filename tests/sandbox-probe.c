/* sandbox-probe.c: plays a helper taken over by a hostile file, for test-sandbox.c. Run in the
 * helpers' sandbox (kiosk-sandbox.c), it tries what such a helper would try and reports.
 *
 * sandbox-probe report|report-scan PORT PATH…
 *                                   what it can see and do, before and after its seccomp filter
 *                                   (the import helper's, or the scan helper's with report-scan):
 *                                   "ENV <var>", then per stage "<stage> OPEN <path> <errno|ok>",
 *                                   "<stage> CONNECT <errno|ok>", "<stage> EXEC <errno|ok>",
 *                                   "<stage> FORK <errno|ok>"; END
 * sandbox-probe sleep               READY, then waits forever
 * sandbox-probe flood               writes without end
 * sandbox-probe parent PROBE        plays the kiosk: starts "PROBE sleep" in the sandbox with
 *                                   this process's stdout, then waits forever
 * Without arguments, as the import helper: the mode ("sleep", "flood", "announce": a JPEG far
 * larger than what follows) is the first line of stdin. */
#include "kiosk-helper-confine.h"
#include "kiosk-sandbox.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const char *
outcome (int result)
{
  return result >= 0 ? "ok" : g_strerror (errno);
}

static void
try_everything (const char  *stage,
                int          port,
                char       **paths)
{
  struct sockaddr_in address = { 0 };
  int fd, r;
  pid_t child;

  for (guint i = 0; paths[i] != NULL; i++)
    {
      fd = open (paths[i], O_RDONLY);
      printf ("%s OPEN %s %s\n", stage, paths[i], outcome (fd));
      if (fd >= 0)
        close (fd);
    }

  address.sin_family = AF_INET;
  address.sin_port = htons (port);
  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  fd = socket (AF_INET, SOCK_STREAM, 0);
  r = fd < 0 ? -1 : connect (fd, (struct sockaddr *) &address, sizeof address);
  printf ("%s CONNECT %s\n", stage, outcome (r));
  if (fd >= 0)
    close (fd);

  fflush (stdout);
  child = fork ();
  if (child == 0)
    _exit (0);
  printf ("%s FORK %s\n", stage, outcome (child));
  if (child > 0)
    waitpid (child, NULL, 0);

  /* /bin/true is in the sandbox: only the filter can stop it. */
  fflush (stdout);
  child = fork ();
  if (child == 0)
    {
      execl ("/bin/true", "true", NULL);
      _exit (127);
    }
  if (child > 0)
    {
      int status = 0;

      waitpid (child, &status, 0);
      printf ("%s EXEC %s\n", stage, WIFEXITED (status) && WEXITSTATUS (status) == 0 ? "ok" : "refused");
    }
  else
    {
      /* No fork either: try in place, which replaces the probe if it works. */
      printf ("%s EXEC ", stage);
      fflush (stdout);
      execl ("/bin/true", "true", NULL);
      printf ("%s\n", g_strerror (errno));
    }
}

static int
report (KioskConfineProfile   profile,
        int                   port,
        char                **paths)
{
  g_autoptr(GError) error = NULL;

  for (char **e = environ; e != NULL && *e != NULL; e++)
    printf ("ENV %s\n", *e);
  try_everything ("SANDBOX", port, paths);
  if (!kiosk_helper_confine (profile, &error))
    {
      printf ("ERROR %s\n", error->message);
      return 1;
    }
  try_everything ("FILTERED", port, paths);
  printf ("END\n");
  return 0;
}

static int
wait_forever (void)
{
  printf ("READY\n");
  fflush (stdout);
  for (;;)
    pause ();
  return 0;
}

static int
flood (void)
{
  static char block[65536];

  memset (block, 'x', sizeof block);
  while (write (STDOUT_FILENO, block, sizeof block) > 0)
    ;
  return 1;
}

static int
play_kiosk (const char *probe)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { probe, "sleep", NULL };

  process = kiosk_sandbox_spawn (KIOSK_SANDBOX_IMPORT, launcher, argv, &error);
  if (process == NULL)
    {
      printf ("ERROR %s\n", error->message);
      return 1;
    }
  for (;;)
    pause ();
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  char mode[64] = "";

  if (argc >= 3 && g_str_equal (argv[1], "report"))
    return report (KIOSK_CONFINE_IMPORT, atoi (argv[2]), argv + 3);
  if (argc >= 3 && g_str_equal (argv[1], "report-scan"))
    return report (KIOSK_CONFINE_SCAN, atoi (argv[2]), argv + 3);
  if (argc >= 3 && g_str_equal (argv[1], "parent"))
    return play_kiosk (argv[2]);
  if (argc >= 2)
    g_strlcpy (mode, argv[1], sizeof mode);
  else
    {
      /* As the import helper: the file's first line. */
      gsize n = 0;

      while (n < sizeof mode - 1 && read (STDIN_FILENO, mode + n, 1) == 1 && mode[n] != '\n')
        n++;
      mode[n] = '\0';
    }
  if (g_str_equal (mode, "sleep"))
    return wait_forever ();
  if (g_str_equal (mode, "flood"))
    return flood ();
  if (g_str_equal (mode, "announce"))
    {
      printf ("JPEG 1000000000000000\nonly this\nEND\n");
      return 0;
    }
  printf ("ERROR 1 unknown mode %s\n", mode);
  return 1;
}
