/* bench-startup.c: how long the kiosk takes to show its welcome page and how much memory it holds
 * then, against a minimal libadwaita program (bench-baseline-window.c) measured in the same run.
 *
 * Run from the repository root, with a display and a session bus:
 *   xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session build/tests/bench/bench-startup
 *
 * T0 is taken just before a program is spawned, T1 when it writes "ready" to the file descriptor
 * named by KIOSK_READY_FD, at the end of its first painted frame (for the kiosk: the welcome page,
 * with the catalogue loaded). RSS is the child's VmRSS, read at T1. Each kiosk run is a first
 * start, from an empty data folder and so from the bundled catalogue, with a portal URL nothing
 * listens on (the background refresh fails at once, quietly).
 *
 * One warm-up run of each program is not counted (it fills the page cache and starts the
 * accessibility bus); then BENCH_RUNS (default 12) runs of each, kiosk and baseline alternately, so
 * both see the same state of the machine, with the same environment: the renderer GTK picks by
 * default, the session bus we were given, the SANE test configuration. To measure as a terminal
 * without a GPU runs (data/kiosk-cage.service), set GSK_RENDERER=cairo GDK_DEBUG=gl-disable: both
 * sides get them.
 *
 * Output: key=value lines of plain numbers on stdout, each run's values first and the summary
 * last; lines starting with '#' are comments (the renderer, a missing session bus). The children's
 * own output goes to stderr. */
#include <errno.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <json-glib/json-glib.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_RUNS 12
#define MIN_RUNS 10
#define READY_FD 3
#define READY_TIMEOUT_MS 30000
/* The discard port of the loopback: the connection is refused at once. */
#define PORTAL_URL "http://127.0.0.1:9/"
#define STARTUP_RATIO_TARGET 1.10
#define RSS_RATIO_TARGET 1.10

typedef enum
{
  PROGRAM_KIOSK,
  PROGRAM_BASELINE,
  N_PROGRAMS
} Program;

static const char * const program_keys[N_PROGRAMS] = { "kiosk", "baseline" };

typedef struct
{
  double ms;
  double rss_kb;
} Sample;

/* Prints one key=value line; g_ascii_formatd keeps the decimal point a '.' whatever the locale
 * gtk_init () picked. */
static void
print_number (const char *key,
              const char *format,
              double      value)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];

  g_print ("%s=%s\n", key, g_ascii_formatd (text, sizeof text, format, value));
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
compute_median (const double *values,
                guint         n_values)
{
  g_autofree double *sorted = g_memdup2 (values, n_values * sizeof (double));

  qsort (sorted, n_values, sizeof (double), compare_doubles);
  if (n_values % 2 == 1)
    return sorted[n_values / 2];
  return (sorted[n_values / 2 - 1] + sorted[n_values / 2]) / 2;
}

/* Counts the procedures of the catalogue the kiosk loads on a first start (the same file is
 * compiled into its resources). Returns -1 with @error set when the file cannot be read. */
static int
count_procedures (const char  *path,
                  GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonNode *procedures;

  if (!json_parser_load_from_file (parser, path, error))
    return -1;
  root = json_parser_get_root (parser);
  procedures = root != NULL && JSON_NODE_HOLDS_OBJECT (root)
               ? json_object_get_member (json_node_get_object (root), "procedures") : NULL;
  if (procedures == NULL || !JSON_NODE_HOLDS_ARRAY (procedures))
    {
      g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                   "%s: no \"procedures\" array", path);
      return -1;
    }
  return json_array_get_length (json_node_get_array (procedures));
}

/* Names the renderer GTK picks for a toplevel on this display, as the children will (same
 * display, same GSK_RENDERER if any): "gl", "cairo", "vulkan"… */
static char *
describe_renderer (void)
{
  GdkSurface *surface = gdk_surface_new_toplevel (gdk_display_get_default ());
  GskRenderer *renderer = gsk_renderer_new_for_surface (surface);
  g_autofree char *name = NULL;

  if (renderer == NULL)
    name = g_strdup ("none");
  else
    {
      const char *type_name = G_OBJECT_TYPE_NAME (renderer);
      gsize length = strlen (type_name);

      if (g_str_has_prefix (type_name, "Gsk") && g_str_has_suffix (type_name, "Renderer")
          && length > strlen ("GskRenderer"))
        name = g_ascii_strdown (type_name + 3, length - strlen ("GskRenderer"));
      else
        name = g_strdup (type_name);
      gsk_renderer_unrealize (renderer);
      g_object_unref (renderer);
    }
  gdk_surface_destroy (surface);
  g_object_unref (surface);
  return g_steal_pointer (&name);
}

/* Returns the VmRSS of process @pid in kB, or -1. */
static double
read_rss_kb (const char *pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/status", pid);
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents (path, &status, NULL, NULL))
    return -1;
  line = strstr (status, "\nVmRSS:");
  if (line == NULL)
    return -1;
  return g_ascii_strtod (line + strlen ("\nVmRSS:"), NULL);
}

/* Removes a kiosk data folder and what the kiosk wrote in it. */
static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}

/* Blocks until "ready\n" arrives on @fd. Fails on a timeout, or when the child closed its end (it
 * exited or crashed) without signalling. */
static gboolean
wait_for_ready (int      fd,
                GError **error)
{
  gint64 deadline = g_get_monotonic_time () + READY_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;
  char buffer[8];
  gsize length = 0;

  while (length < strlen ("ready\n"))
    {
      struct pollfd pollfd = { .fd = fd, .events = POLLIN };
      gint64 remaining_ms = (deadline - g_get_monotonic_time ()) / G_TIME_SPAN_MILLISECOND;
      int polled;
      gssize n_read;

      polled = remaining_ms > 0 ? poll (&pollfd, 1, remaining_ms) : 0;
      if (polled < 0 && errno == EINTR)
        continue;
      if (polled <= 0)
        {
          g_set_error (error, G_IO_ERROR, polled == 0 ? G_IO_ERROR_TIMED_OUT : g_io_error_from_errno (errno),
                       "No \"ready\" within %d ms", READY_TIMEOUT_MS);
          return FALSE;
        }
      n_read = read (fd, buffer + length, sizeof buffer - length);
      if (n_read < 0 && errno == EINTR)
        continue;
      if (n_read <= 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE,
                       "The program ended without signalling \"ready\"");
          return FALSE;
        }
      length += n_read;
    }
  if (memcmp (buffer, "ready\n", strlen ("ready\n")) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "Expected \"ready\", got \"%.*s\"",
                   (int) length, buffer);
      return FALSE;
    }
  return TRUE;
}

/* Spawns @argv with the benchmark's environment and the write end of a pipe as READY_FD, and times
 * it until it signals; then ends it. */
static gboolean
time_program (const char * const *argv,
              Sample             *sample,
              GError            **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autofree char *ready_fd = g_strdup_printf ("%d", READY_FD);
  int pipe_fds[2];
  gint64 start;
  gboolean ready;

  if (!g_unix_open_pipe (pipe_fds, FD_CLOEXEC, error))
    return FALSE;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_SCHEMA_DIR", KIOSK_BUILD_DIR "/resources", TRUE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "memory", TRUE);
  g_subprocess_launcher_setenv (launcher, "KIOSK_LOCALEDIR", KIOSK_BUILD_DIR "/po", TRUE);
  g_subprocess_launcher_setenv (launcher, "SANE_CONFIG_DIR", KIOSK_SOURCE_DIR "/tests/sane.d", TRUE);
  g_subprocess_launcher_setenv (launcher, "KIOSK_READY_FD", ready_fd, TRUE);
  g_subprocess_launcher_take_fd (launcher, pipe_fds[1], READY_FD);
  /* Keeps our stdout to key=value lines. */
  g_subprocess_launcher_take_stdout_fd (launcher, dup (STDERR_FILENO));

  start = g_get_monotonic_time ();
  child = g_subprocess_launcher_spawnv (launcher, argv, error);
  /* Our copy of the write end must go, or a child that dies before signalling is never seen. */
  g_subprocess_launcher_close (launcher);
  if (child == NULL)
    {
      close (pipe_fds[0]);
      return FALSE;
    }

  ready = wait_for_ready (pipe_fds[0], error);
  if (ready)
    {
      sample->ms = (double) (g_get_monotonic_time () - start) / G_TIME_SPAN_MILLISECOND;
      sample->rss_kb = read_rss_kb (g_subprocess_get_identifier (child));
      if (sample->rss_kb < 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "No VmRSS for process %s",
                       g_subprocess_get_identifier (child));
          ready = FALSE;
        }
    }
  close (pipe_fds[0]);
  g_subprocess_send_signal (child, SIGTERM);
  g_subprocess_wait (child, NULL, NULL);
  return ready;
}

static gboolean
run_program (Program   program,
             Sample   *sample,
             GError  **error)
{
  g_autofree char *data_dir = NULL;
  gboolean timed;

  if (program == PROGRAM_BASELINE)
    {
      const char * const argv[] = { BENCH_BASELINE_PATH, NULL };

      return time_program (argv, sample, error);
    }

  /* A fresh data folder makes every run a first start, from the bundled catalogue. */
  data_dir = g_dir_make_tmp ("bench-startup-XXXXXX", error);
  if (data_dir == NULL)
    return FALSE;
  {
    const char * const argv[] = {
      KIOSK_BUILD_DIR "/app/kiosk", "--portal-url", PORTAL_URL, "--data-dir", data_dir, NULL
    };

    timed = time_program (argv, sample, error);
  }
  remove_tree (data_dir);
  return timed;
}

static int
parse_runs (void)
{
  const char *text = g_getenv ("BENCH_RUNS");
  guint64 runs;

  if (text == NULL || *text == '\0')
    return DEFAULT_RUNS;
  if (!g_ascii_string_to_unsigned (text, 10, 1, 1000, &runs, NULL))
    {
      g_printerr ("BENCH_RUNS must be a number from 1 to 1000\n");
      return -1;
    }
  if (runs < MIN_RUNS)
    g_printerr ("BENCH_RUNS=%" G_GUINT64_FORMAT ": fewer than %d runs, the medians are rough\n",
                runs, MIN_RUNS);
  return runs;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *renderer = NULL;
  g_autofree double *ms = NULL;       /* ms[program * runs + run] */
  g_autofree double *rss_kb = NULL;
  double ms_median[N_PROGRAMS];
  double rss_kb_median[N_PROGRAMS];
  int procedures;
  int runs;

  if (argc > 1)
    {
      g_printerr ("Usage: %s (no arguments; BENCH_RUNS sets the number of runs)\n", argv[0]);
      return 2;
    }
  runs = parse_runs ();
  if (runs < 0)
    return 2;

  /* Under xvfb-run from a Wayland desktop, GTK would pick the compositor over Xvfb. */
  if (g_getenv ("GDK_BACKEND") == NULL)
    g_setenv ("GDK_BACKEND", "x11", TRUE);
  if (!gtk_init_check ())
    {
      g_printerr ("No display: run under xvfb-run\n");
      return 1;
    }
  if (!g_file_test (BENCH_BASELINE_PATH, G_FILE_TEST_IS_EXECUTABLE)
      || !g_file_test (KIOSK_BUILD_DIR "/app/kiosk", G_FILE_TEST_IS_EXECUTABLE))
    {
      g_printerr ("Build first: ninja -C %s bench-startup\n", KIOSK_BUILD_DIR);
      return 1;
    }
  if (!g_file_test (KIOSK_BUILD_DIR "/po/fr/LC_MESSAGES/kiosk.mo", G_FILE_TEST_EXISTS))
    g_printerr ("The translations are not built (ninja -C %s): the kiosk starts in English\n",
                KIOSK_BUILD_DIR);
  procedures = count_procedures (KIOSK_SOURCE_DIR "/resources/catalogue.json", &error);
  if (procedures < 0)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  renderer = describe_renderer ();
  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    g_print ("# no session bus\n");

  ms = g_new (double, N_PROGRAMS * runs);
  rss_kb = g_new (double, N_PROGRAMS * runs);
  for (Program program = 0; program < N_PROGRAMS; program++)
    {
      Sample warm_up;

      if (!run_program (program, &warm_up, &error))
        {
          g_printerr ("%s warm-up: %s\n", program_keys[program], error->message);
          return 1;
        }
    }

  for (int run = 0; run < runs; run++)
    for (Program program = 0; program < N_PROGRAMS; program++)
      {
        g_autofree char *ms_key = g_strdup_printf ("%s_run_%d_ms", program_keys[program], run + 1);
        g_autofree char *rss_key = g_strdup_printf ("%s_run_%d_rss_kb", program_keys[program], run + 1);
        Sample sample;

        if (!run_program (program, &sample, &error))
          {
            g_printerr ("%s run %d: %s\n", program_keys[program], run + 1, error->message);
            return 1;
          }
        ms[program * runs + run] = sample.ms;
        rss_kb[program * runs + run] = sample.rss_kb;
        print_number (ms_key, "%.1f", sample.ms);
        print_number (rss_key, "%.0f", sample.rss_kb);
        fflush (stdout);
      }

  for (Program program = 0; program < N_PROGRAMS; program++)
    {
      ms_median[program] = compute_median (ms + program * runs, runs);
      rss_kb_median[program] = compute_median (rss_kb + program * runs, runs);
    }
  g_print ("# renderer=%s\n", renderer);
  print_number ("runs", "%.0f", runs);
  print_number ("procedures", "%.0f", procedures);
  print_number ("startup_ms_median", "%.1f", ms_median[PROGRAM_KIOSK]);
  print_number ("baseline_ms_median", "%.1f", ms_median[PROGRAM_BASELINE]);
  print_number ("startup_ratio", "%.3f", ms_median[PROGRAM_KIOSK] / ms_median[PROGRAM_BASELINE]);
  print_number ("startup_ratio_target", "%.2f", STARTUP_RATIO_TARGET);
  print_number ("rss_kb", "%.0f", rss_kb_median[PROGRAM_KIOSK]);
  print_number ("baseline_rss_kb", "%.0f", rss_kb_median[PROGRAM_BASELINE]);
  print_number ("rss_ratio", "%.3f", rss_kb_median[PROGRAM_KIOSK] / rss_kb_median[PROGRAM_BASELINE]);
  print_number ("rss_ratio_target", "%.2f", RSS_RATIO_TARGET);
  return 0;
}
