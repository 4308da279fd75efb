/* bench-scan.c: one A4 page at 300 dpi in colour, from libsane's test backend to a finished PDF
 * page, through the kiosk's core (kiosk-scan-helper → KioskScanner → JPEG → PDF), against
 * `scanimage --format=jpeg` then `img2pdf` on the same page in the same run; headless.
 *
 * Run from the repository root:   build/tests/bench/bench-scan
 *
 * Output (key=value, plain numbers; '#' lines are comments), medians of BENCH_RUNS (default 5):
 *   page_ms          scan + JPEG (quality 85, encoded as the rows arrive) + live preview +
 *                    quality gate + PDF page, in the kiosk's core, as the documents page does
 *                    (the helper in its sandbox)
 *   page_start_ms, page_helper_sane_ms, page_transfer_ms, page_read_wait_ms,
 *   page_encode_wait_ms, page_preview_ms, page_encode_ms, page_drain_ms, page_handover_ms,
 *   page_quality_ms, page_pdf_ms   where page_ms went (KioskScanTimings in kiosk-document.h):
 *                    a machine where the ratio differs shows why
 *   baseline_ms      scanimage (JPEG) + img2pdf, two processes, same device and settings
 *   peak_rss_kb      the larger of the kiosk's two processes (this one; the scan helper, measured
 *                    by GNU time on one more page, so that the fork does not count this
 *                    process's pages)
 *   baseline_rss_kb  the larger of the baseline's two processes
 *   max_stall_ms     the longest gap of a 10 ms main-loop tick while the page is scanned and encoded
 * Targets (issue 18): page_ratio = page_ms / baseline_ms ≤ 0.5 on every machine of ours,
 * peak_rss_ratio = peak_rss_kb / baseline_rss_kb ≤ 0.4, max_stall_ms ≤ 50. */
#include "kiosk-document.h"
#include "kiosk-scanner.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define DEFAULT_RUNS 5

typedef struct
{
  KioskScan  *scan;
  GError     *error;
  gboolean    done;
  gint64      last_tick;
  gint64      max_stall;
} ScanRun;

static void
scan_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  ScanRun *run = user_data;

  run->scan = kiosk_scanner_scan_jpeg_finish (KIOSK_SCANNER (object), result, &run->error);
  run->done = TRUE;
}

static gboolean
tick_cb (gpointer user_data)
{
  ScanRun *run = user_data;
  gint64 now = g_get_monotonic_time ();

  if (run->last_tick != 0)
    run->max_stall = MAX (run->max_stall, now - run->last_tick);
  run->last_tick = now;
  return G_SOURCE_CONTINUE;
}

typedef struct
{
  KioskScan  *scan;
  GBytes     *pdf;
  double      quality_ms;
  double      pdf_ms;
} EncodeJob;

/* Where each page's time went: one array of values (ms) per part, medians printed. */
static const char * const part_names[] = {
  "start_ms", "helper_sane_ms", "transfer_ms", "read_wait_ms", "encode_wait_ms", "preview_ms",
  "encode_ms", "drain_ms", "handover_ms", "quality_ms", "pdf_ms",
};
#define N_PARTS G_N_ELEMENTS (part_names)
static GArray *parts[N_PARTS];

static void
encode_in_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  EncodeJob *job = task_data;
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func ((GDestroyNotify) kiosk_sheet_free);

  /* As the documents page does: the quality gate on the reduced copy, the JPEG and the
   * thumbnail made while the page was read, placed in a PDF page. */
  gint64 start = g_get_monotonic_time ();

  if (kiosk_image_check_quality (job->scan->reduced) != KIOSK_IMAGE_OK)
    g_error ("the test page did not pass the quality gate");
  job->quality_ms = (g_get_monotonic_time () - start) / 1000.0;
  g_clear_pointer (&job->scan->reduced, kiosk_image_free);   /* checked: no longer needed */
  start = g_get_monotonic_time ();
  g_ptr_array_add (pages, kiosk_sheet_new_from_scan (job->scan, g_steal_pointer (&job->scan->thumbnail)));
  job->pdf = kiosk_encode_pdf_pages (pages, NULL);
  job->pdf_ms = (g_get_monotonic_time () - start) / 1000.0;
  g_task_return_boolean (task, job->pdf != NULL);
}

static void
encode_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* What the documents page does with progress: a texture of the page so far, about ten times a
 * second; here only its pixels are touched, so that the cost of making them counts. */
static void
progress_cb (double            fraction,
             const KioskImage *partial,
             gpointer          user_data)
{
  guint *checksum = user_data;

  if (partial != NULL)
    *checksum += ((const guint8 *) g_bytes_get_data (partial->pixels, NULL))[0];
}

/* The kiosk's way, as the documents page does it: the scan on the scanner's thread and helper,
 * with the page shown as it comes, the encoding in a worker, the main loop free. */
static double
run_kiosk (ScanRun *run)
{
  g_autoptr(KioskScanner) scanner = kiosk_scanner_new ("test:0");
  KioskScanOptions options = { 300, TRUE, FALSE, 85 };
  gint64 start = g_get_monotonic_time ();
  guint tick = g_timeout_add (10, tick_cb, run);
  EncodeJob job = { 0 };
  gboolean encoded = FALSE;

  guint checksum = 0;

  gint64 scanned;

  kiosk_scanner_scan_async (scanner, &options, progress_cb, &checksum, NULL, scan_done_cb, run);
  while (!run->done)
    g_main_context_iteration (NULL, TRUE);
  if (run->scan == NULL)
    g_error ("scan: %s", run->error->message);
  scanned = g_get_monotonic_time ();
  job.scan = run->scan;
  {
    g_autoptr(GTask) task = g_task_new (NULL, NULL, encode_done_cb, &encoded);

    g_task_set_task_data (task, &job, NULL);
    g_task_run_in_thread (task, encode_in_thread);
  }
  while (!encoded)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  if (job.pdf == NULL)
    g_error ("the PDF was not made");
  {
    const KioskScanTimings *t = &run->scan->timings;
    double total = (g_get_monotonic_time () - start) / 1000.0;
    /* What is left: starting the job, the helper's exit, handing the page to the main loop and
     * to the encoding worker. */
    double handover = total - t->start_ms - t->transfer_ms - t->drain_ms - job.quality_ms - job.pdf_ms;
    double values[N_PARTS] = { t->start_ms, t->helper_sane_ms, t->transfer_ms, t->read_wait_ms,
                               t->encode_wait_ms, t->preview_ms, t->encode_ms, t->drain_ms,
                               handover, job.quality_ms, job.pdf_ms };

    (void) scanned;
    for (guint i = 0; i < N_PARTS; i++)
      g_array_append_val (parts[i], values[i]);
  }
  g_bytes_unref (job.pdf);
  g_clear_pointer (&run->scan, kiosk_scan_free);
  return (g_get_monotonic_time () - start) / 1000.0;
}

/* Runs a program, waits for it, and returns its peak RSS (kB) from wait4(). */
static long
run_program (const char * const *argv)
{
  struct rusage usage;
  int status = 0;
  pid_t pid = fork ();

  if (pid == 0)
    {
      int null = open ("/dev/null", O_WRONLY);

      dup2 (null, STDERR_FILENO);
      execvp (argv[0], (char **) argv);
      _exit (127);
    }
  if (wait4 (pid, &status, 0, &usage) < 0 || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    g_error ("%s failed", argv[0]);
  return usage.ru_maxrss;
}

static double
run_baseline (const char *dir,
              long       *rss_kb)
{
  g_autofree char *jpeg = g_build_filename (dir, "page.jpg", NULL);
  g_autofree char *pdf = g_build_filename (dir, "page.pdf", NULL);
  const char *scan[] = { "scanimage", "-d", "test:0", "--mode", "Color", "--resolution", "300",
                         "--format=jpeg", "-o", jpeg, NULL };
  const char *convert[] = { "img2pdf", jpeg, "-o", pdf, NULL };
  gint64 start = g_get_monotonic_time ();
  long a = run_program (scan);
  long b = run_program (convert);
  double ms = (g_get_monotonic_time () - start) / 1000.0;

  *rss_kb = MAX (a, b);
  g_unlink (jpeg);
  g_unlink (pdf);
  return ms;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (GArray *values)
{
  g_array_sort (values, compare_doubles);
  return g_array_index (values, double, values->len / 2);
}

static void
print_number (const char *key,
              double      value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  g_print ("%s=%s\n", key, g_ascii_formatd (buffer, sizeof buffer, "%.1f", value));
}

static void
print_ratio (const char *key,
             double      value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  g_print ("%s=%s\n", key, g_ascii_formatd (buffer, sizeof buffer, "%.3f", value));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = g_dir_make_tmp ("bench-scan-XXXXXX", NULL);
  g_autoptr(GArray) kiosk_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) baseline_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) stalls = g_array_new (FALSE, FALSE, sizeof (double));
  const char *runs_env = g_getenv ("BENCH_RUNS");
  guint runs = runs_env ? MAX (atoi (runs_env), 1) : DEFAULT_RUNS;
  long baseline_rss = 0;
  long helper_rss = 0;
  struct rusage self_usage;

  kiosk_memory_init ();   /* as the kiosk does when it starts */

  g_autofree char *helper_rss_path = g_build_filename (dir, "helper-rss", NULL);
  g_autofree char *wrapper = g_build_filename (dir, "helper-wrapper", NULL);

  /* Absolute: the helper's sandbox gets this folder only then. */
  {
    g_autofree char *sane = g_canonicalize_filename (g_getenv ("SANE_CONFIG_DIR") ? g_getenv ("SANE_CONFIG_DIR")
                                                     : "tests/sane.d", NULL);

    g_setenv ("SANE_CONFIG_DIR", sane, TRUE);
  }
  /* The kiosk's runs use the helper as the kiosk does, in its sandbox. Its own peak RSS: a
   * child's ru_maxrss would include this process's size at the fork, so GNU time measures it
   * from a small process instead, on one more page (below). */
  {
    g_autofree char *helper = g_canonicalize_filename (g_getenv ("KIOSK_SCAN_HELPER") ? g_getenv ("KIOSK_SCAN_HELPER")
                                                       : "build/app/core/kiosk-scan-helper", NULL);
    g_autofree char *script = g_strdup_printf ("#!/bin/sh\nexec /usr/bin/time -f %%M -a -o '%s' '%s' \"$@\"\n",
                                               helper_rss_path, helper);

    if (!g_file_test ("/usr/bin/time", G_FILE_TEST_IS_EXECUTABLE))
      g_error ("GNU time is needed (apt install time)");
    g_file_set_contents (wrapper, script, -1, NULL);
    g_chmod (wrapper, 0700);
    g_setenv ("KIOSK_SCAN_HELPER", helper, TRUE);
  }
  for (guint i = 0; i < N_PARTS; i++)
    parts[i] = g_array_new (FALSE, FALSE, sizeof (double));
  if (!g_file_test ("tests/sane.d/dll.conf", G_FILE_TEST_EXISTS))
    g_error ("Run from the repository root (tests/sane.d not found)");

  /* The kiosk's runs first: this process's peak RSS is then the pipeline's, not the baseline's
   * bookkeeping (the children's peak is kept apart by wait4). */
  for (guint i = 0; i < runs; i++)
    {
      ScanRun run = { 0 };
      double ms = run_kiosk (&run);
      double stall = run.max_stall / 1000.0;

      g_array_append_val (kiosk_ms, ms);
      g_array_append_val (stalls, stall);
    }
  getrusage (RUSAGE_SELF, &self_usage);
  /* The same helper scans the same page once more, on its own (outside the sandbox, where
   * /usr/bin/time is not given the helper), to be measured. */
  {
    const char *argv[] = { wrapper, "--device", "test:0", "--dpi", "300", NULL };
    int status = 0;

    if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                       NULL, NULL, NULL, NULL, &status, NULL))
      g_error ("cannot run the helper");
  }
  {
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;

    if (g_file_get_contents (helper_rss_path, &text, NULL, NULL))
      lines = g_strsplit (text, "\n", -1);
    for (guint i = 0; lines != NULL && lines[i] != NULL; i++)
      helper_rss = MAX (helper_rss, g_ascii_strtoll (lines[i], NULL, 10));
  }

  for (guint i = 0; i < runs; i++)
    {
      long rss = 0;
      double ms = run_baseline (dir, &rss);

      g_array_append_val (baseline_ms, ms);
      baseline_rss = MAX (baseline_rss, rss);
    }
  g_unlink (helper_rss_path);
  g_unlink (wrapper);
  g_rmdir (dir);

  g_print ("# %u runs each; test:0, A4, 300 dpi, colour\n", runs);
  print_number ("page_ms", median (kiosk_ms));
  /* Where the kiosk's page time goes (medians); transfer_ms holds read_wait_ms, encode_wait_ms
   * and preview_ms, and overlaps encode_ms (another thread). */
  for (guint i = 0; i < N_PARTS; i++)
    {
      g_autofree char *key = g_strconcat ("page_", part_names[i], NULL);

      print_number (key, median (parts[i]));
    }
  print_number ("baseline_ms", median (baseline_ms));
  print_number ("peak_rss_kb", MAX (self_usage.ru_maxrss, helper_rss));
  print_number ("kiosk_process_rss_kb", self_usage.ru_maxrss);
  print_number ("helper_rss_kb", helper_rss);
  print_number ("baseline_rss_kb", baseline_rss);
  print_ratio ("page_ratio", median (kiosk_ms) / median (baseline_ms));
  print_number ("page_ratio_target", 0.5);
  print_ratio ("peak_rss_ratio", (double) MAX (self_usage.ru_maxrss, helper_rss) / baseline_rss);
  print_number ("peak_rss_ratio_target", 0.4);
  {
    double worst = 0;

    for (guint i = 0; i < stalls->len; i++)
      worst = MAX (worst, g_array_index (stalls, double, i));
    print_number ("max_stall_ms", worst);
  }
  return 0;
}
