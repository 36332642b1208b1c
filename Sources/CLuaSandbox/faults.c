/*
 * Standard streams, temporary-file cleanup and signal handlers (see GovRulesFaults.h).
 */
#include "GovRulesFaults.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

void gr_streams_secure(int closed[3]) {
    for (int fd = 0; fd < 3; fd++) {
        closed[fd] = 0;
        if (fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
        closed[fd] = 1;
        /* open returns the lowest free number, which is this one. */
        int n = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
        if (n >= 0 && n != fd) {
            dup2(n, fd);
            close(n);
        }
    }
}

#define GR_CLEANUP_SLOTS 16
static char gr_cleanup_paths[GR_CLEANUP_SLOTS][PATH_MAX];
static volatile sig_atomic_t gr_cleanup_used[GR_CLEANUP_SLOTS];

int gr_cleanup_add(const char *path) {
    size_t n = strlen(path);
    if (n >= PATH_MAX) return -1;
    for (int i = 0; i < GR_CLEANUP_SLOTS; i++) {
        /* Claim the slot first (0 -> 2 = being written), so a handler never reads a half path. */
        if (__sync_bool_compare_and_swap(&gr_cleanup_used[i], 0, 2)) {
            memcpy(gr_cleanup_paths[i], path, n + 1);
            __atomic_store_n(&gr_cleanup_used[i], 1, __ATOMIC_RELEASE);
            return i;
        }
    }
    return -1;
}

void gr_cleanup_remove(int slot) {
    if (slot < 0 || slot >= GR_CLEANUP_SLOTS) return;
    __atomic_store_n(&gr_cleanup_used[slot], 0, __ATOMIC_RELEASE);
}

void gr_cleanup_run(void) {
    for (int i = 0; i < GR_CLEANUP_SLOTS; i++) {
        if (__atomic_load_n(&gr_cleanup_used[i], __ATOMIC_ACQUIRE) == 1) unlink(gr_cleanup_paths[i]);
    }
}

static const char *gr_signal_message(int sig) {
    switch (sig) {
    case SIGINT: return "govrules: error[interrupted]: 收到中断信号（SIGINT，如按了 Ctrl-C），运行已停止；未写完的输出文件已删除，原有的文件保持原样\n";
    case SIGTERM: return "govrules: error[interrupted]: 收到终止信号（SIGTERM），运行已停止；未写完的输出文件已删除，原有的文件保持原样\n";
    case SIGHUP: return "govrules: error[interrupted]: 终端已断开（SIGHUP），运行已停止；未写完的输出文件已删除，原有的文件保持原样\n";
    case SIGPIPE: return "govrules: error[interrupted]: 接收输出的程序已经关闭（SIGPIPE），运行已停止；未写完的输出文件已删除，原有的文件保持原样\n";
    default: return "govrules: error[interrupted]: 收到信号，运行已停止\n";
    }
}

static void gr_signal_handler(int sig) {
    gr_cleanup_run();
    const char *m = gr_signal_message(sig);
    /* When stderr is the pipe that closed, this write fails (its SIGPIPE stays blocked). */
    ssize_t ignored = write(2, m, strlen(m));
    (void)ignored;
    /* End with the signal itself, so the parent sees how the process ended. */
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(sig, &dfl, NULL);
    sigset_t only;
    sigemptyset(&only);
    sigaddset(&only, sig);
    kill(getpid(), sig);
    sigprocmask(SIG_UNBLOCK, &only, NULL);
    _exit(128 + sig);
}

void gr_signals_install(void) {
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = gr_signal_handler;
    sigemptyset(&sa.sa_mask);
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaddset(&sa.sa_mask, sigs[i]);
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction old;
        /* A signal the caller chose to ignore (nohup, a shell's background job) stays ignored. */
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN && sigs[i] != SIGPIPE) continue;
        sigaction(sigs[i], &sa, NULL);
    }
}
