package io.flowstate.examples.etl;

import java.math.BigDecimal;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The three transformations of the extract (CSV lines customer,amount), one per branch.
 */
public class OrderFigures {

    public String count(String csv) {
        return rows(csv).size() + " orders";
    }

    public String total(String csv) {
        return rows(csv).stream().map(r -> new BigDecimal(r[1])).reduce(BigDecimal.ZERO, BigDecimal::add) + " total";
    }

    public String topCustomer(String csv) {
        Map<String, BigDecimal> byCustomer = rows(csv).stream()
                .collect(Collectors.toMap(r -> r[0], r -> new BigDecimal(r[1]), BigDecimal::add));
        return "top customer " + byCustomer.entrySet().stream()
                .max(Map.Entry.comparingByValue(Comparator.naturalOrder())).orElseThrow().getKey();
    }

    private static List<String[]> rows(String csv) {
        return csv.lines().filter(l -> !l.isBlank()).map(l -> l.split(",")).toList();
    }
}
