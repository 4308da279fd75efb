/* bench-session.c: the long day. One kiosk process runs BENCH_SESSIONS (default 300) citizen
 * sessions through its real window against the reference portal, and prints what they leave
 * behind (memory, file descriptors, threads), how fast "Terminer et effacer" brings the next
 * citizen a ready welcome page, and the longest stall of the main loop.
 *
 * Run from the repository root, with a display and a session bus:
 *   meson compile -C build bench-session
 *   xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session build/tests/bench/bench-session
 *
 * The kiosk process is this program: it runs the kiosk's own KioskApplication (the same code,
 * linked in, with --portal-url and --data-dir), so that a session ends exactly as on a terminal
 * (the application's session-end handling included), and drives its window as the tests do, by
 * the widgets' names. Each
 * session: "aide médicale" opened from the welcome page, the form's three steps answered, the
 * identity card's two sides scanned from libsane's test backend (A4, 300 dpi), the dossier
 * submitted to the reference portal (build/tests/portal/kiosk-portal on loopback), then
 * "Terminer et effacer" from the receipt.
 *
 * Measured after each session, on the welcome page once the outbox is empty:
 * - VmRSS; rss_growth_kb_per_100_sessions is the least-squares slope of VmRSS over the sessions
 *   after the first BENCH_WARMUP (default 20: fonts, glyph caches, the scanner's first opening),
 *   times 100. Target <= 1024.
 * - fd_growth and thread_growth: open descriptors (/proc/self/fd) and threads (/proc/self/task)
 *   at the last session minus at the end of the warm-up. Target 0. Threads are counted once the
 *   process has been idle for 1 s of main-loop time, so that a worker finishing its last item is
 *   not counted as a leak.
 * - session_end_to_welcome_ms: from "Terminer et effacer" to the end of the first frame painted
 *   with the welcome page fully shown (the page transition over) and its search button sensitive;
 *   p50 and p95 over the sessions. Compared, in the same run, with first_frame_ms: the median time
 *   of BENCH_STARTS (default 5) fresh starts of the kiosk binary to its first painted frame
 *   (KIOSK_READY_FD), as bench-startup measures it. session_end_ratio_vs_first_frame = p95 over
 *   that median. Target <= 0.5.
 * - max_stall_ms: the longest gap between two ticks of a 10 ms timeout on the main context during
 *   the sessions (10 when nothing ever blocks it). Target <= 50. max_stall_ms_during_<step> gives
 *   the longest gap in each step of the session, to show where a stall comes from;
 *   max_stall_cpu_ms the most CPU time the main thread spent between two ticks (a stall with
 *   little CPU time is the machine's scheduler or a wait, one with much is work on the loop).
 *
 * Output: key=value lines of plain numbers on stdout (every 25th session's values, then the
 * summary); the kiosk's and the portal's logs on stderr. */
#include "kiosk-application.h"
#include "kiosk-context.h"
#include "kiosk-image.h"
#include "kiosk-page.h"
#include "kiosk-scanner.h"
#include "kiosk-session.h"
#include "kiosk-submit-page.h"
#include "kiosk-test-util.h"
#include "kiosk-window.h"

#include <adwaita.h>
#include <errno.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_SESSIONS 300
#define DEFAULT_WARMUP 20
#define DEFAULT_STARTS 5
#define TICK_MS 10
#define READY_FD 3
#define READY_TIMEOUT_MS 60000
#define RSS_GROWTH_TARGET_KB 1024
#define SESSION_END_RATIO_TARGET 0.5
#define MAX_STALL_TARGET_MS 50

static gint64 last_tick;
static gint64 max_gap;
static gint64 last_tick_cpu;
static gint64 max_gap_cpu;
/* What the session was doing: named on stderr with the longest stall. */
static const char *phase = "start";
static const char *max_gap_phase = "none";
static GHashTable *phase_gaps;   /* phase → longest gap in it (gint64 µs, in a pointer) */
static GHashTable *phase_cpu;    /* phase → most main-thread CPU time between two ticks (µs) */

static void
print_number (const char *key,
              const char *format,
              double      value)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];

  g_print ("%s=%s\n", key, g_ascii_formatd (text, sizeof text, format, value));
}

static guint
env_number (const char *name,
            guint       fallback,
            guint       minimum)
{
  const char *text = g_getenv (name);
  guint64 value;

  if (text == NULL || *text == '\0')
    return fallback;
  if (!g_ascii_string_to_unsigned (text, 10, minimum, 100000, &value, NULL))
    {
      g_printerr ("%s must be a number from %u to 100000\n", name, minimum);
      exit (2);
    }
  return value;
}

/* CPU time of the calling thread (the main thread, for the ticks), in µs. */
static gint64
thread_cpu_us (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
  return (gint64) now.tv_sec * G_USEC_PER_SEC + now.tv_nsec / 1000;
}

static gboolean
tick_cb (gpointer data)
{
  gint64 now = g_get_monotonic_time ();
  gint64 cpu = thread_cpu_us ();

  if (last_tick != 0
      && now - last_tick > (gint64) GPOINTER_TO_SIZE (g_hash_table_lookup (phase_gaps, phase)))
    g_hash_table_insert (phase_gaps, (gpointer) phase, GSIZE_TO_POINTER (now - last_tick));
  if (last_tick != 0 && now - last_tick > max_gap)
    {
      max_gap = now - last_tick;
      max_gap_phase = phase;
    }
  if (last_tick_cpu != 0)
    max_gap_cpu = MAX (max_gap_cpu, cpu - last_tick_cpu);
  if (last_tick_cpu != 0
      && cpu - last_tick_cpu > (gint64) GPOINTER_TO_SIZE (g_hash_table_lookup (phase_cpu, phase)))
    g_hash_table_insert (phase_cpu, (gpointer) phase, GSIZE_TO_POINTER (cpu - last_tick_cpu));
  last_tick = now;
  last_tick_cpu = cpu;
  return G_SOURCE_CONTINUE;
}

static double
status_kb (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, field);
  if (line == NULL)
    return -1;
  return g_ascii_strtod (line + strlen (field) + 1, NULL);
}

/* What malloc has handed out and not been given back, in kB: RSS growth with a flat heap is
 * fragmentation or a mapping (fonts, GL), not a leak. */
static double
heap_in_use_kb (void)
{
  struct mallinfo2 info = mallinfo2 ();

  return (double) (info.uordblks + info.hblkhd) / 1024;
}

static guint
count_entries (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint count = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    count++;
  return count;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* The @fraction quantile of @values (sorted in place), nearest rank. */
static double
quantile (double *values,
          guint   n,
          double  fraction)
{
  guint rank;

  qsort (values, n, sizeof *values, compare_doubles);
  rank = (guint) (fraction * n + 0.999999);
  return values[CLAMP (rank, 1, n) - 1];
}

/* Spins the main context for @ms of its own time. */
static void
idle_for (guint ms)
{
  kiosk_test_spin (ms);
}

static gboolean
documents_idle_cb (gpointer data)
{
  return !kiosk_page_get_busy (data);
}

static gboolean
submit_settled_cb (gpointer data)
{
  KioskSubmitState state = kiosk_submit_page_get_state (data);

  return state == KIOSK_SUBMIT_DONE || state == KIOSK_SUBMIT_FAILED;
}

/* One citizen, from the welcome page to the receipt. */
static void
run_session (KioskWindow  *window,
             KioskContext *context)
{
  const char *grid[] = { "test-picture=Grid", NULL };
  GtkWidget *documents;

  phase = "open procedure";
  gtk_widget_activate_action (GTK_WIDGET (window), "win.open-procedure", "s", "aide-medicale");
  kiosk_test_wait_for_page (window, "procedure");
  phase = "start dossier";
  kiosk_test_click (window, "start-dossier-button");
  kiosk_test_wait_for_page (window, "form");
  phase = "form step 1";
  kiosk_test_type (window, "field-last_name", "Wamytan");
  kiosk_test_type (window, "field-first_name", "Léa-Marie");
  kiosk_test_type (window, "field-birth_date", "12/04/1961");
  kiosk_test_click (window, "form-next");
  phase = "form step 2";
  kiosk_test_type (window, "field-household_size", "3");
  kiosk_test_type (window, "field-monthly_income", "137 280");
  kiosk_test_click (window, "field-cover-mutuelle");
  kiosk_test_click (window, "form-next");
  phase = "form step 3";
  kiosk_test_type (window, "field-phone", "27 12 34");
  kiosk_test_type (window, "field-email", "lea@example.nc");
  kiosk_test_click (window, "form-next");
  kiosk_test_wait_for_page (window, "documents");
  documents = kiosk_window_get_page (window, "documents");
  phase = "scan front";
  kiosk_test_click (window, "scan-id_card");
  if (!kiosk_test_wait (documents_idle_cb, documents, 60000))
    g_error ("The front of the card was not scanned within 60 s");
  kiosk_scanner_set_extra_options (kiosk_context_get_scanner (context), grid);
  phase = "scan back";
  kiosk_test_click (window, "scan-back-id_card");
  if (!kiosk_test_wait (documents_idle_cb, documents, 60000))
    g_error ("The back of the card was not scanned within 60 s");
  kiosk_scanner_set_extra_options (kiosk_context_get_scanner (context), NULL);
  phase = "documents to review";
  kiosk_test_click (window, "documents-next");
  kiosk_test_wait_for_page (window, "review");
  phase = "submit";
  kiosk_test_click (window, "submit-button");
  if (!kiosk_test_wait (submit_settled_cb, kiosk_window_get_page (window, "submit"), 60000))
    g_error ("The submission did not end within 60 s");
  kiosk_test_wait_for_page (window, "receipt");
}

/* From "Terminer et effacer" to the welcome page painted and ready in the new window the
 * application builds after each session (docs/architecture.md, "A new window after each
 * session"): the window of the session that ended may paint its own welcome page before. */
typedef struct
{
  GtkApplication *app;
  GtkWindow      *old;
  gint64          painted;
  GPtrArray      *clocks;    /* of GdkFrameClock (weak), with an after-paint handler */
} WelcomeWait;

static void watch_window (WelcomeWait *wait, GtkWidget *window);

static void
after_paint_cb (GdkFrameClock *clock,
                gpointer       data)
{
  WelcomeWait *wait = data;
  KioskWindow *window = KIOSK_WINDOW (gtk_application_get_active_window (wait->app));
  GtkWidget *welcome, *search;

  if (wait->painted != 0 || window == NULL || GTK_WINDOW (window) == wait->old
      || gtk_widget_get_frame_clock (GTK_WIDGET (window)) != clock
      || g_strcmp0 (kiosk_window_get_page_name (window), "welcome") != 0)
    return;
  welcome = kiosk_window_get_page (window, "welcome");
  search = kiosk_window_find_widget (window, "start-button");
  if (search != NULL && !gtk_stack_get_transition_running (GTK_STACK (gtk_widget_get_parent (welcome)))
      && gtk_widget_is_sensitive (search) && gtk_widget_get_mapped (search))
    wait->painted = g_get_monotonic_time ();
}

static void
window_realize_cb (GtkWidget   *window,
                   WelcomeWait *wait)
{
  watch_window (wait, window);
}

static void
watch_window (WelcomeWait *wait,
              GtkWidget   *window)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);

  if (clock == NULL)
    {
      g_signal_connect (window, "realize", G_CALLBACK (window_realize_cb), wait);
      return;
    }
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), wait);
  g_ptr_array_add (wait->clocks, g_object_ref (clock));
  gtk_widget_queue_draw (window);
}

static void
window_added_cb (GtkApplication *app,
                 GtkWindow      *window,
                 WelcomeWait    *wait)
{
  if (KIOSK_IS_WINDOW (window))
    watch_window (wait, GTK_WIDGET (window));
}

static gboolean
painted_cb (gpointer data)
{
  return ((WelcomeWait *) data)->painted != 0;
}

static double
finish_session (GtkApplication *app)
{
  GtkWidget *window = GTK_WIDGET (gtk_application_get_active_window (app));
  WelcomeWait wait = { app, GTK_WINDOW (window), 0, g_ptr_array_new_with_free_func (g_object_unref) };
  gulong added;
  gint64 start;

  added = g_signal_connect (app, "window-added", G_CALLBACK (window_added_cb), &wait);
  start = g_get_monotonic_time ();
  phase = "finish";
  kiosk_test_click (KIOSK_WINDOW (window), "receipt-finish");
  /* Nothing is left to lose after a submission: the kiosk does not ask. */
  if (!kiosk_test_wait (painted_cb, &wait, 30000))
    g_error ("The welcome page was not painted within 30 s of \"Terminer et effacer\"");
  g_signal_handler_disconnect (app, added);
  for (guint i = 0; i < wait.clocks->len; i++)
    g_signal_handlers_disconnect_by_data (wait.clocks->pdata[i], &wait);
  g_ptr_array_unref (wait.clocks);
  /* A window being replaced stops watching when it goes. */
  for (GList *l = gtk_application_get_windows (app); l != NULL; l = l->next)
    g_signal_handlers_disconnect_by_func (l->data, window_realize_cb, &wait);
  return (double) (wait.painted - start) / G_TIME_SPAN_MILLISECOND;
}

static gboolean
outbox_empty_cb (gpointer data)
{
  return kiosk_test_outbox_is_empty (data);
}

/* Waits for "ready" on @fd. */
static gboolean
wait_for_ready (int fd)
{
  char buffer[16];
  gsize length = 0;
  gint64 deadline = g_get_monotonic_time () + READY_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;

  while (length < strlen ("ready\n"))
    {
      struct pollfd poll_fd = { fd, POLLIN, 0 };
      int remaining = (deadline - g_get_monotonic_time ()) / G_TIME_SPAN_MILLISECOND;
      ssize_t n_read;

      if (remaining <= 0 || poll (&poll_fd, 1, remaining) <= 0)
        return FALSE;
      n_read = read (fd, buffer + length, sizeof buffer - length);
      if (n_read < 0 && errno == EINTR)
        continue;
      if (n_read <= 0)
        return FALSE;
      length += n_read;
    }
  return memcmp (buffer, "ready\n", 6) == 0;
}

/* A fresh start of the kiosk binary, from an empty data folder, to its first painted frame. */
static double
first_frame_ms (const char *portal_url)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = g_dir_make_tmp ("bench-session-start-XXXXXX", NULL);
  g_autofree char *ready_fd = g_strdup_printf ("%d", READY_FD);
  g_autofree char *cleanup = NULL;
  int pipe_fds[2];
  gint64 start;
  double ms = -1;

  if (!g_unix_open_pipe (pipe_fds, FD_CLOEXEC, &error))
    g_error ("pipe: %s", error->message);
  g_subprocess_launcher_setenv (launcher, "KIOSK_READY_FD", ready_fd, TRUE);
  g_subprocess_launcher_take_fd (launcher, pipe_fds[1], READY_FD);
  g_subprocess_launcher_take_stdout_fd (launcher, dup (STDERR_FILENO));
  start = g_get_monotonic_time ();
  child = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("KIOSK_BINARY"),
                                       "--portal-url", portal_url, "--data-dir", data_dir, NULL);
  g_subprocess_launcher_close (launcher);
  if (child == NULL)
    g_error ("Cannot start the kiosk: %s", error->message);
  if (wait_for_ready (pipe_fds[0]))
    ms = (double) (g_get_monotonic_time () - start) / G_TIME_SPAN_MILLISECOND;
  close (pipe_fds[0]);
  g_subprocess_send_signal (child, SIGTERM);
  g_subprocess_wait (child, NULL, NULL);
  cleanup = g_strdup_printf ("rm -rf '%s'", data_dir);
  (void) !system (cleanup);
  if (ms < 0)
    g_error ("The kiosk did not paint its first frame within %d ms", READY_TIMEOUT_MS);
  return ms;
}

/* Sets what the tests' environment sets, where the caller has not. */
static void
default_environment (void)
{
  const char *defaults[][2] = {
    { "GSETTINGS_BACKEND", "memory" },
    { "GSETTINGS_SCHEMA_DIR", KIOSK_BUILD_DIR "/resources" },
    { "SANE_CONFIG_DIR", KIOSK_SOURCE_DIR "/tests/sane.d" },
    { "KIOSK_SOURCE_DIR", KIOSK_SOURCE_DIR },
    { "KIOSK_LOCALEDIR", KIOSK_BUILD_DIR "/po" },
    { "KIOSK_PORTAL_BINARY", KIOSK_BUILD_DIR "/tests/portal/kiosk-portal" },
    { "KIOSK_SCAN_HELPER", KIOSK_BUILD_DIR "/app/core/kiosk-scan-helper" },
    { "KIOSK_IMPORT_HELPER", KIOSK_BUILD_DIR "/app/core/kiosk-import-helper" },
    { "KIOSK_BINARY", KIOSK_BUILD_DIR "/app/kiosk" },
    { "GDK_BACKEND", "x11" },
    { "TZ", "Pacific/Noumea" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (defaults); i++)
    g_setenv (defaults[i][0], defaults[i][1], FALSE);
}

/* Windows the application built and has not freed yet (a window it replaced must go). */
static guint windows_alive;
static guint windows_seen;

static void
window_finalized_cb (gpointer  data,
                     GObject  *where)
{
  windows_alive--;
}

static void
count_window (GtkApplication *app,
              GtkWindow      *window)
{
  if (!KIOSK_IS_WINDOW (window) || g_object_get_data (G_OBJECT (window), "bench-counted") != NULL)
    return;
  g_object_set_data (G_OBJECT (window), "bench-counted", GINT_TO_POINTER (1));
  g_object_weak_ref (G_OBJECT (window), window_finalized_cb, NULL);
  windows_alive++;
  windows_seen++;
}

/* With BENCH_SMAPS_DIR set, a copy of /proc/self/smaps there and the list of open descriptors,
 * to see what grew. */
static void
save_smaps (const char *name)
{
  const char *dir = g_getenv ("BENCH_SMAPS_DIR");
  g_autofree char *contents = NULL;
  g_autofree char *path = NULL;
  gsize length;

  if (dir == NULL || !g_file_get_contents ("/proc/self/smaps", &contents, &length, NULL))
    return;
  path = g_build_filename (dir, name, NULL);
  g_file_set_contents (path, contents, length, NULL);
  /* And what each open descriptor is. */
  {
    g_autoptr(GDir) fds = g_dir_open ("/proc/self/fd", 0, NULL);
    g_autoptr(GString) list = g_string_new (NULL);
    g_autofree char *fd_path = g_strconcat (path, "-fds", NULL);
    const char *fd;

    while (fds != NULL && (fd = g_dir_read_name (fds)) != NULL)
      {
        g_autofree char *link = g_strconcat ("/proc/self/fd/", fd, NULL);
        g_autofree char *target = g_file_read_link (link, NULL);

        g_string_append_printf (list, "%s %s\n", fd, target ? target : "?");
      }
    g_file_set_contents (fd_path, list->str, list->len, NULL);
  }
}

/* What main () hands to the sessions, which run inside the application's main loop. */
typedef struct
{
  GtkApplication *app;
  guint           sessions;
  guint           warmup;
  double          first_frame;
  gboolean        started;
} Bench;

static void
print_results (Bench        *bench,
               const double *rss,
               const double *heap,
               double       *end_ms,
               double        slope,
               double        heap_slope,
               guint         fds_warm,
               guint         fds_end,
               guint         threads_warm,
               guint         threads_end);

/* Every session, then the results; quits the application. */
static gboolean
run_sessions_cb (gpointer data)
{
  Bench *bench = data;
  guint sessions = bench->sessions;
  guint warmup = bench->warmup;
  g_autofree double *rss = g_new (double, sessions);
  g_autofree double *heap = g_new (double, sessions);
  g_autofree double *end_ms = g_new (double, sessions);
  guint fds_warm = 0, threads_warm = 0, fds_end = 0, threads_end = 0;
  double sum_x = 0, sum_y = 0, sum_xx = 0, sum_xy = 0, sum_h = 0, sum_xh = 0, slope, heap_slope;
  guint n_fit = 0, tick;

  kiosk_test_wait_for_page (KIOSK_WINDOW (gtk_application_get_active_window (bench->app)), "welcome");
  count_window (bench->app, gtk_application_get_active_window (bench->app));
  g_signal_connect (bench->app, "window-added", G_CALLBACK (count_window), NULL);
  phase_gaps = g_hash_table_new (g_str_hash, g_str_equal);
  phase_cpu = g_hash_table_new (g_str_hash, g_str_equal);
  tick = g_timeout_add (TICK_MS, tick_cb, NULL);
  for (guint i = 0; i < sessions; i++)
    {
      /* The application may give each session a new window (over the same context). */
      KioskWindow *window = KIOSK_WINDOW (gtk_application_get_active_window (bench->app));
      KioskContext *context = kiosk_window_get_context (window);

      run_session (window, context);
      end_ms[i] = finish_session (bench->app);
      phase = "outbox";
      if (!kiosk_test_wait (outbox_empty_cb, context, 60000))
        g_error ("The outbox was not empty 60 s after session %u", i + 1);
      rss[i] = status_kb ("VmRSS:");
      heap[i] = heap_in_use_kb ();
      if (i + 1 == warmup || i + 1 == sessions)
        {
          idle_for (1000);
          if (i + 1 == warmup)
            {
              fds_warm = count_entries ("/proc/self/fd");
              threads_warm = count_entries ("/proc/self/task");
              save_smaps ("smaps-warm");
            }
          else
            {
              save_smaps ("smaps-end");
              fds_end = count_entries ("/proc/self/fd");
              threads_end = count_entries ("/proc/self/task");
            }
        }
      if (i >= warmup)
        {
          sum_x += i;
          sum_y += rss[i];
          sum_xx += (double) i * i;
          sum_xy += i * rss[i];
          sum_h += heap[i];
          sum_xh += i * heap[i];
          n_fit++;
        }
      if ((i + 1) % 25 == 0 || i == 0 || i + 1 == warmup)
        {
          g_autofree char *rss_key = g_strdup_printf ("session_%u_rss_kb", i + 1);
          g_autofree char *end_key = g_strdup_printf ("session_%u_end_to_welcome_ms", i + 1);
          g_autofree char *heap_key = g_strdup_printf ("session_%u_heap_in_use_kb", i + 1);

          print_number (rss_key, "%.0f", rss[i]);
          print_number (heap_key, "%.0f", heap[i]);
          print_number (end_key, "%.1f", end_ms[i]);
          fflush (stdout);
        }
    }
  g_source_remove (tick);

  slope = n_fit > 1 ? (n_fit * sum_xy - sum_x * sum_y) / (n_fit * sum_xx - sum_x * sum_x) : 0;
  heap_slope = n_fit > 1 ? (n_fit * sum_xh - sum_x * sum_h) / (n_fit * sum_xx - sum_x * sum_x) : 0;
  print_results (bench, rss, heap, end_ms, slope, heap_slope, fds_warm, fds_end, threads_warm, threads_end);
  for (GList *l = gtk_application_get_windows (bench->app); l != NULL; l = gtk_application_get_windows (bench->app))
    gtk_window_destroy (l->data);
  g_application_quit (G_APPLICATION (bench->app));
  return G_SOURCE_REMOVE;
}

static void
activate_cb (GApplication *app,
             Bench        *bench)
{
  /* From the main loop, once the application has shown its window. */
  if (!bench->started)
    g_idle_add (run_sessions_cb, bench);
  bench->started = TRUE;
}

int
main (int   argc,
      char *argv[])
{
  Bench bench = { NULL, 0, 0, 0, FALSE };
  guint starts = env_number ("BENCH_STARTS", DEFAULT_STARTS, 1);
  g_autofree double *start_ms = NULL;
  g_autofree char *data_dir = NULL;
  g_autoptr(KioskApplication) app = NULL;
  KioskTestPortal *portal;
  int status;

  bench.sessions = env_number ("BENCH_SESSIONS", DEFAULT_SESSIONS, 2);
  bench.warmup = env_number ("BENCH_WARMUP", MIN (DEFAULT_WARMUP, bench.sessions / 2), 1);
  if (argc > 1 || bench.warmup >= bench.sessions)
    {
      g_printerr ("Usage: %s (no arguments; BENCH_SESSIONS, BENCH_WARMUP < BENCH_SESSIONS, "
                  "BENCH_STARTS)\n", argv[0]);
      return 2;
    }
  /* As the kiosk's main () does. */
  kiosk_memory_init ();
  default_environment ();
  kiosk_test_setup_locale ("fr");
  gtk_init ();
  adw_init ();
  portal = kiosk_test_portal_start ();

  /* The baseline: fresh starts of the kiosk binary, first frame. */
  start_ms = g_new (double, starts);
  first_frame_ms (portal->url); /* warm-up: the page cache */
  for (guint i = 0; i < starts; i++)
    {
      g_autofree char *key = g_strdup_printf ("first_frame_run_%u_ms", i + 1);

      start_ms[i] = first_frame_ms (portal->url);
      print_number (key, "%.1f", start_ms[i]);
    }
  bench.first_frame = quantile (start_ms, starts, 0.5);

  /* The scanner the tests use (the memory settings backend is this process's). */
  {
    g_autoptr(GSettings) settings = g_settings_new ("nc.epn.Kiosk");

    g_settings_set_string (settings, "scanner-device", "test:0");
  }
  data_dir = g_dir_make_tmp ("bench-session-XXXXXX", NULL);
  app = kiosk_application_new ();
  bench.app = GTK_APPLICATION (app);
  g_signal_connect_after (app, "activate", G_CALLBACK (activate_cb), &bench);
  {
    char *args[] = { argv[0], "--portal-url", portal->url, "--data-dir", data_dir, NULL };

    status = g_application_run (G_APPLICATION (app), G_N_ELEMENTS (args) - 1, args);
  }
  kiosk_test_portal_stop (portal);
  return status;
}

static void
print_results (Bench        *bench,
               const double *rss,
               const double *heap,
               double       *end_ms,
               double        slope,
               double        heap_slope,
               guint         fds_warm,
               guint         fds_end,
               guint         threads_warm,
               guint         threads_end)
{
  guint sessions = bench->sessions;
  guint warmup = bench->warmup;
  double first_frame = bench->first_frame;
  double p50, p95;

  p50 = quantile (end_ms, sessions, 0.5);
  p95 = quantile (end_ms, sessions, 0.95);
  print_number ("sessions", "%.0f", sessions);
  print_number ("warmup_sessions", "%.0f", warmup);
  print_number ("rss_first_session_kb", "%.0f", rss[0]);
  print_number ("rss_after_warmup_kb", "%.0f", rss[warmup - 1]);
  print_number ("rss_last_session_kb", "%.0f", rss[sessions - 1]);
  print_number ("rss_growth_kb_per_100_sessions", "%.0f", slope * 100);
  print_number ("rss_growth_kb_per_100_sessions_target", "%.0f", RSS_GROWTH_TARGET_KB);
  print_number ("heap_in_use_growth_kb_per_100_sessions", "%.0f", heap_slope * 100);
  print_number ("windows_built", "%.0f", windows_seen);
  print_number ("windows_not_freed", "%.0f", windows_alive - 1);
  print_number ("fd_growth", "%.0f", (double) fds_end - fds_warm);
  print_number ("fd_growth_target", "%.0f", 0);
  print_number ("thread_growth", "%.0f", (double) threads_end - threads_warm);
  print_number ("thread_growth_target", "%.0f", 0);
  print_number ("first_frame_ms", "%.1f", first_frame);
  print_number ("session_end_to_welcome_ms_p50", "%.1f", p50);
  print_number ("session_end_to_welcome_ms_p95", "%.1f", p95);
  print_number ("session_end_ratio_vs_first_frame", "%.3f", p95 / first_frame);
  print_number ("session_end_ratio_vs_first_frame_target", "%.2f", SESSION_END_RATIO_TARGET);
  print_number ("max_stall_ms", "%.1f", (double) max_gap / G_TIME_SPAN_MILLISECOND);
  print_number ("max_stall_ms_target", "%.0f", MAX_STALL_TARGET_MS);
  print_number ("max_stall_cpu_ms", "%.1f", (double) max_gap_cpu / G_TIME_SPAN_MILLISECOND);
  g_printerr ("bench-session: the longest stall was during: %s\n", max_gap_phase);
  {
    GHashTableIter iter;
    gpointer key, value;

    g_hash_table_iter_init (&iter, phase_gaps);
    while (g_hash_table_iter_next (&iter, &key, &value))
      {
        g_autofree char *name = g_strdelimit (g_strdup (key), " ", '_');
        g_autofree char *line = g_strconcat ("max_stall_ms_during_", name, NULL);

        print_number (line, "%.1f", (double) GPOINTER_TO_SIZE (value) / G_TIME_SPAN_MILLISECOND);
      }
    g_hash_table_iter_init (&iter, phase_cpu);
    while (g_hash_table_iter_next (&iter, &key, &value))
      {
        g_autofree char *name = g_strdelimit (g_strdup (key), " ", '_');
        g_autofree char *line = g_strconcat ("max_stall_cpu_ms_during_", name, NULL);

        print_number (line, "%.1f", (double) GPOINTER_TO_SIZE (value) / G_TIME_SPAN_MILLISECOND);
      }
  }
}
