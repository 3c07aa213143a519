export { RecommendationsModule } from './recommendations.module';
export { RecommendationsService } from './recommendations.service';
export { recommend, rankLessons, type LessonInfo, type LearnerProfile, type Recommendation, type RecommendInput } from './recommender';
