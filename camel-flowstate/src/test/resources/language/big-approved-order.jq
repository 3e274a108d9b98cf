# a flowstate expression kept in a file
.results.check.amount > 100 and .state.approved
