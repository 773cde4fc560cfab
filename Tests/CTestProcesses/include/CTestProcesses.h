#ifndef C_TEST_PROCESSES_H
#define C_TEST_PROCESSES_H

#include <spawn.h>

/// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+): the child closes every descriptor from `lowest` up.
/// Swift's Glibc module does not declare it (it is a GNU extension), so it is wrapped here.
int test_processes_add_close_from(posix_spawn_file_actions_t *actions, int lowest);

/// glibc's `posix_spawn_file_actions_addchdir_np` (2.29+): the child starts in `directory`.
int test_processes_add_chdir(posix_spawn_file_actions_t *actions, const char *directory);

#endif
