# Go master's proc.go with runqput's publication weakened: a plain store where Go has
# atomic.StoreRel (the master counterpart of go-put-publish-plain.patch, for the master
# import proof's teeth: ctest import.proof-master-teeth). Applied with sed -f.
s/^\t\tatomic\.StoreRel(&pp\.runqtail, t+1) \/\/ store-release/\t\tpp.runqtail = t + 1 \/\/ store-release/
