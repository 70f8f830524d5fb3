// The text format's details: escaping, number formatting, histogram buckets.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <limits>

#include "metrics/exposition.hpp"
#include "metrics/histogram.hpp"

namespace gateway::metrics {
namespace {

using namespace std::chrono_literals;

TEST(Exposition, WritesHelpTypeAndSamples) {
    Exposition out;
    out.family("things_total", MetricType::counter, "Things done.");
    out.sample("things_total", {{"kind", "a"}, {"place", "b"}}, std::uint64_t{3});
    out.sample("things_total", std::uint64_t{18446744073709551615ULL});
    EXPECT_EQ(out.take(),
              "# HELP things_total Things done.\n"
              "# TYPE things_total counter\n"
              "things_total{kind=\"a\",place=\"b\"} 3\n"
              "things_total 18446744073709551615\n");
    EXPECT_EQ(out.take(), "");
}

TEST(Exposition, EscapesLabelValuesAndHelp) {
    Exposition out;
    out.family("x", MetricType::gauge, "back\\slash\nnew \"quoted\"");
    out.sample("x", {{"v", "a\"b\\c\nd"}}, 1.5);
    EXPECT_EQ(out.take(),
              "# HELP x back\\\\slash\\nnew \"quoted\"\n"
              "# TYPE x gauge\n"
              "x{v=\"a\\\"b\\\\c\\nd\"} 1.5\n");
}

TEST(Exposition, WritesSpecialFloatsAsPrometheusSpellsThem) {
    Exposition out;
    out.sample("a", std::numeric_limits<double>::infinity());
    out.sample("b", -std::numeric_limits<double>::infinity());
    out.sample("c", std::nan(""));
    out.sample("d", 0.25);
    EXPECT_EQ(out.take(), "a +Inf\nb -Inf\nc NaN\nd 0.25\n");
}

TEST(LatencyHistogram, BucketsAreUpperBoundsInclusiveAndCumulativeOnThePage) {
    LatencyHistogram histogram;
    histogram.observe(500us);  // exactly the first bound: in it
    histogram.observe(501us);  // just above: the next one
    histogram.observe(3ms);    // 0.005
    histogram.observe(11s);    // above every bound
    histogram.observe(-1ms);   // a clock that went back counts as zero
    HistogramCounts counts;
    histogram.add_to(counts);
    EXPECT_EQ(counts.count(), 5u);
    EXPECT_EQ(counts.buckets[0], 2u);
    EXPECT_EQ(counts.buckets[1], 1u);
    EXPECT_EQ(counts.buckets[3], 1u);
    EXPECT_EQ(counts.buckets.back(), 1u);

    Exposition out;
    write_histogram(out, "t_seconds", {{"route", "/x"}}, counts);
    const std::string page = out.take();
    EXPECT_NE(page.find("t_seconds_bucket{route=\"/x\",le=\"0.0005\"} 2\n"), std::string::npos);
    EXPECT_NE(page.find("t_seconds_bucket{route=\"/x\",le=\"0.001\"} 3\n"), std::string::npos);
    EXPECT_NE(page.find("t_seconds_bucket{route=\"/x\",le=\"0.005\"} 4\n"), std::string::npos);
    EXPECT_NE(page.find("t_seconds_bucket{route=\"/x\",le=\"10\"} 4\n"), std::string::npos);
    EXPECT_NE(page.find("t_seconds_bucket{route=\"/x\",le=\"+Inf\"} 5\n"), std::string::npos);
    EXPECT_NE(page.find("t_seconds_sum{route=\"/x\"} 11.004001\n"), std::string::npos) << page;
    EXPECT_NE(page.find("t_seconds_count{route=\"/x\"} 5\n"), std::string::npos);
}

TEST(LatencyHistogram, CountsFromSeveralHistogramsAddUp) {
    LatencyHistogram a;
    LatencyHistogram b;
    a.observe(1ms);
    b.observe(1ms);
    b.observe(20ms);
    HistogramCounts sum;
    a.add_to(sum);
    b.add_to(sum);
    EXPECT_EQ(sum.count(), 3u);
    EXPECT_EQ(sum.buckets[1], 2u);
    EXPECT_EQ(sum.sum_nanoseconds, 22'000'000u);
}

}  // namespace
}  // namespace gateway::metrics
