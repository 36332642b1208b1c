#ifndef GOVRULES_FAULTS_H
#define GOVRULES_FAULTS_H

/* What must hold when the process is ended from outside: by a signal, or by the row-timeout
 * watchdog. Everything a signal handler touches is prepared beforehand in fixed storage, so the
 * handlers only call async-signal-safe functions (unlink, write, sigaction, kill, _exit). */

/* Opens /dev/null on whichever of descriptors 0, 1, 2 is closed, so that no file the program
 * opens later can take its number (a closed stderr would otherwise make the output file fd 2,
 * and diagnostics would land in it). closed[i] tells which were closed. Call first thing. */
void gr_streams_secure(int closed[3]);

/* A temporary output file to remove if the process is ended before it was committed. Returns
 * a slot for gr_cleanup_remove, or -1 when the path is too long or every slot is taken (the
 * file is then left for the next run's sweep). */
int gr_cleanup_add(const char *path);
void gr_cleanup_remove(int slot);
/* Unlinks every registered file now (async-signal-safe). */
void gr_cleanup_run(void);

/* SIGINT, SIGTERM, SIGHUP, SIGPIPE: remove the registered files, write one line to stderr and
 * end with the signal itself (the shell then shows status 128 + signo). */
void gr_signals_install(void);

#endif
