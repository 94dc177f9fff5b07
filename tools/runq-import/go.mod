module runqtorture/runq-import

go 1.19
