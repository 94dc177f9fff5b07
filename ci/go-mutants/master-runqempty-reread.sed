# Go master's proc.go with runqempty reading runqtail once more (a correct change: the
# snapshot is still checked by the last read). The third load of runqtail is an access
# neither hand port has: the importer gives it a new site, runqempty.runqtail.Load3
# (ctest import.newsite). Applied with sed -f.
/^\t\ttail := atomic\.Load(&pp\.runqtail)$/a\
\t\ttail = atomic.Load(\&pp.runqtail)
