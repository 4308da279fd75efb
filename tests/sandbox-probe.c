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
 * sandbox-probe qr-parent          plays the kiosk with the real QR reader (KIOSK_QR_HELPER):
 *                                   one blank frame read, READY, then waits forever
 * Without arguments, as the import helper: the mode ("sleep", "flood", "announce": a JPEG far
 * larger than what follows) is the first line of stdin.
 * Copied under the name "sandbox-qr-probe", as the QR reader (kiosk-qr-helper): READY, then per
 * frame, its grey bytes read as text: "report PORT PATH…" answers the report as the code's text;
 * "announce" a code far longer than what follows, "flood" without end, "crash" aborts, "sleep"
 * never answers. */
#include "kiosk-helper-confine.h"
#include "kiosk-qr.h"
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

/* Where report() writes: stdout, or the answer to a frame when the probe plays the QR reader. */
static FILE *out;

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
      fprintf (out, "%s OPEN %s %s\n", stage, paths[i], outcome (fd));
      if (fd >= 0)
        close (fd);
    }

  address.sin_family = AF_INET;
  address.sin_port = htons (port);
  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  fd = socket (AF_INET, SOCK_STREAM, 0);
  r = fd < 0 ? -1 : connect (fd, (struct sockaddr *) &address, sizeof address);
  fprintf (out, "%s CONNECT %s\n", stage, outcome (r));
  if (fd >= 0)
    close (fd);

  fflush (out);
  child = fork ();
  if (child == 0)
    _exit (0);
  fprintf (out, "%s FORK %s\n", stage, outcome (child));
  if (child > 0)
    waitpid (child, NULL, 0);

  /* /bin/true is in the sandbox: only the filter can stop it. */
  fflush (out);
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
      fprintf (out, "%s EXEC %s\n", stage, WIFEXITED (status) && WEXITSTATUS (status) == 0 ? "ok" : "refused");
    }
  else
    {
      /* No fork either: try in place, which replaces the probe if it works. */
      fprintf (out, "%s EXEC ", stage);
      fflush (out);
      execl ("/bin/true", "true", NULL);
      fprintf (out, "%s\n", g_strerror (errno));
    }
}

static int
report (KioskConfineProfile   profile,
        int                   port,
        char                **paths)
{
  g_autoptr(GError) error = NULL;

  for (char **e = environ; e != NULL && *e != NULL; e++)
    fprintf (out, "ENV %s\n", *e);
  try_everything ("SANDBOX", port, paths);
  if (!kiosk_helper_confine (profile, &error))
    {
      fprintf (out, "ERROR %s\n", error->message);
      return 1;
    }
  try_everything ("FILTERED", port, paths);
  fprintf (out, "END\n");
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

/* As kiosk-qr-helper, taken over by a hostile code: the frame says what to try. */
static int
play_qr_reader (void)
{
  char header[64];
  gsize n = 0;
  guint width, height;

  printf ("READY\n");
  fflush (stdout);
  for (;;)
    {
      g_autofree char *text = NULL;
      g_auto(GStrv) words = NULL;

      n = 0;
      while (n < sizeof header - 1 && read (STDIN_FILENO, header + n, 1) == 1 && header[n] != '\n')
        n++;
      header[n] = '\0';
      if (sscanf (header, "FRAME %u %u", &width, &height) != 2 || (gsize) width * height > 65536)
        return 2;
      text = g_malloc0 ((gsize) width * height + 1);
      for (gsize done = 0; done < (gsize) width * height;)
        {
          ssize_t r = read (STDIN_FILENO, text + done, (gsize) width * height - done);

          if (r <= 0)
            return 2;
          done += r;
        }
      words = g_strsplit (text, " ", -1);
      if (g_str_equal (words[0], "report") && words[1] != NULL)
        {
          char *answer = NULL;
          size_t length = 0;

          out = open_memstream (&answer, &length);
          report (KIOSK_CONFINE_IMPORT, atoi (words[1]), words + 2);
          fclose (out);
          printf ("QR %zu\n", length);
          fwrite (answer, 1, length, stdout);
          free (answer);
        }
      else if (g_str_equal (words[0], "announce"))
        printf ("QR 1000000000000000\nonly this");
      else if (g_str_equal (words[0], "flood"))
        return flood ();
      else if (g_str_equal (words[0], "crash"))
        abort ();
      else if (g_str_equal (words[0], "sleep"))
        {
          for (;;)
            pause ();
        }
      else
        printf ("NONE\n");
      fflush (stdout);
    }
}

static void
qr_decoded_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = kiosk_qr_decode_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    printf ("READY\n");
  else
    printf ("ERROR %s\n", error ? error->message : text);
  fflush (stdout);
  *done = TRUE;
}

/* The kiosk with its QR reader serving: a blank frame read (so the reader runs), then nothing. */
static int
play_kiosk_with_qr_reader (void)
{
  guint8 *white = g_malloc (64 * 64 * 3);
  gboolean done = FALSE;
  g_autoptr(GBytes) pixels = NULL;

  memset (white, 0xff, 64 * 64 * 3);
  pixels = g_bytes_new_take (white, 64 * 64 * 3);
  kiosk_qr_decode_async (kiosk_image_new (64, 64, 0, pixels), NULL, qr_decoded_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  for (;;)
    pause ();
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  char mode[64] = "";

  out = stdout;
  if (g_str_has_suffix (argv[0], "/sandbox-qr-probe"))
    return play_qr_reader ();
  if (argc >= 2 && g_str_equal (argv[1], "qr-parent"))
    return play_kiosk_with_qr_reader ();

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
